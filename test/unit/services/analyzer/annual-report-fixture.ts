/**
 * A synthetic annual report whose analysis is as large as a real one's: each page has eight
 * sentences of amounts, percentages, periods, KPIs and names, so 50 pages reach the analyzer's
 * caps (500 amounts, 200 entities, 200 sentence scores) with about 100 metrics.
 */
export function annualReportPages(pages: number): string[] {
  return Array.from({ length: pages }, (_, index) => {
    const page = index + 1;
    const sentences = Array.from({ length: 8 }, (_, line) => {
      const value = ((page * 37 + line * 11) % 900) + 100;
      return (
        `In Q${(line % 4) + 1} ${2020 + (page % 5)} revenue rose to €${value}.${line}4 million, ` +
        `up ${(line * 3.7 + (page % 9)).toFixed(1)}% from the prior year, while EBITDA reached ` +
        `EUR ${value * 2},${line}00 thousand and net debt fell by $${value / 10} million at Acme Holdings S.p.A. in Milano.`
      );
    });
    return sentences.join(' ');
  });
}
