/** The words the templates print themselves, in each report language (pure). */
import type { ReportLanguage } from './report-language.ts';

export interface ReportLabels {
  page: (page: number, pages: number) => string;
  generatedOn: string;
  contents: string;
  emptyReport: string;
  kpiSummary: string;
  kpiSummaryIntro: string;
  growth: string;
  growthIntro: string;
  indicator: string;
  change: string;
  charts: string;
  byPeriod: (what: string) => string;
  period: string;
  financialReport: string;
  notAvailable: string;
  continued: string;
}

export const REPORT_LABELS: Record<ReportLanguage, ReportLabels> = {
  it: {
    page: (page, pages) => `Pagina ${page} di ${pages}`,
    generatedOn: 'Generato il',
    contents: 'Indice',
    emptyReport: 'Questo report non contiene ancora dati.',
    kpiSummary: 'Sintesi degli indicatori',
    kpiSummaryIntro: 'Valori degli indicatori principali per periodo.',
    growth: 'Variazione rispetto al periodo precedente',
    growthIntro:
      'Variazione di ciascun indicatore rispetto al periodo precedente: in verde la crescita, in rosso il calo; le percentuali variano in punti percentuali (p.p.).',
    indicator: 'Indicatore',
    change: 'Variazione',
    charts: 'Andamento',
    byPeriod: (what) => `${what} per periodo`,
    period: 'Periodo',
    financialReport: 'Report finanziario',
    notAvailable: 'n.d.',
    continued: 'segue',
  },
  en: {
    page: (page, pages) => `Page ${page} of ${pages}`,
    generatedOn: 'Generated on',
    contents: 'Contents',
    emptyReport: 'This report has no content yet.',
    kpiSummary: 'Key figures',
    kpiSummaryIntro: 'Values of the key figures per period.',
    growth: 'Change on the previous period',
    growthIntro:
      'Change of each figure on the previous period: growth in green, decline in red; percentages change in percentage points (pp).',
    indicator: 'Figure',
    change: 'Change',
    charts: 'Trends',
    byPeriod: (what) => `${what} by period`,
    period: 'Period',
    financialReport: 'Financial report',
    notAvailable: 'n/a',
    continued: 'continued',
  },
};
