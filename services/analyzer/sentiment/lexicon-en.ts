/**
 * English sentiment words written for sedano's users (business reports, customer feedback),
 * base forms with a polarity in [-1, 1]. They are stemmed when the lexicon is built, so
 * `disappoint` covers disappointed/disappointing; words missing here fall back to the
 * @nlpjs/lang-en lexicon (ML-SentiCon stems) at a reduced weight (lexicon.ts).
 */
export const ENGLISH_WORDS: Readonly<Record<string, number>> = {
  good: 0.6, great: 0.8, excellent: 0.9, outstanding: 0.9, superb: 0.9, amazing: 0.8, awesome: 0.8, fantastic: 0.8,
  wonderful: 0.8, perfect: 0.8, brilliant: 0.8, love: 0.8, loved: 0.8, like: 0.3, enjoy: 0.6, happy: 0.7, pleased: 0.6,
  satisfied: 0.6, glad: 0.6, delighted: 0.8, impressed: 0.7, impressive: 0.7, nice: 0.5, fine: 0.3, solid: 0.5,
  strong: 0.5, robust: 0.5, reliable: 0.6, helpful: 0.6, friendly: 0.6, kind: 0.5, polite: 0.5, professional: 0.5,
  fast: 0.4, quick: 0.4, quickly: 0.4, efficient: 0.5, easy: 0.4, smooth: 0.5, clear: 0.3, useful: 0.5, valuable: 0.5,
  recommend: 0.6, recommended: 0.6, best: 0.7, better: 0.4, improve: 0.4, improved: 0.5, improvement: 0.4,
  growth: 0.5, grow: 0.4, grew: 0.4, increase: 0.2, increased: 0.2, record: 0.4, profit: 0.4, profitable: 0.6,
  success: 0.7, successful: 0.7, win: 0.5, gain: 0.4, gains: 0.4, beat: 0.3, exceed: 0.5, exceeded: 0.5,
  outperform: 0.6, outperformed: 0.6, rise: 0.3, rose: 0.3, boost: 0.5, thank: 0.5, thanks: 0.5, grateful: 0.7,
  comfortable: 0.5, beautiful: 0.7, quality: 0.3, affordable: 0.4, fair: 0.3, positive: 0.6, optimistic: 0.6,
  resolved: 0.4, accurate: 0.5, convenient: 0.5, responsive: 0.5, seamless: 0.6, superior: 0.6, favourable: 0.6,
  favorable: 0.6, healthy: 0.5, stable: 0.3, resilient: 0.5, exceptional: 0.8, remarkable: 0.6, terrific: 0.8,
  bad: -0.6, poor: -0.6, terrible: -0.9, awful: -0.9, horrible: -0.9, worst: -0.9, worse: -0.5, disappoint: -0.7,
  disappointed: -0.7, disappointing: -0.7, disappointment: -0.7, hate: -0.8, unhappy: -0.7, angry: -0.7,
  frustrating: -0.7, frustrated: -0.7, annoying: -0.6, annoyed: -0.6, useless: -0.7, broken: -0.6, broke: -0.5,
  fail: -0.6, failed: -0.6, failure: -0.7, faulty: -0.6, defective: -0.7, slow: -0.5, late: -0.4, delay: -0.5,
  delayed: -0.5, delays: -0.5, rude: -0.7, unhelpful: -0.6, expensive: -0.4, overpriced: -0.6, waste: -0.7,
  problem: -0.5, problems: -0.5, issue: -0.3, issues: -0.3, complaint: -0.5, complain: -0.5, wrong: -0.5,
  error: -0.4, errors: -0.4, bug: -0.4, bugs: -0.4, crash: -0.6, crashes: -0.6, loss: -0.5, losses: -0.5,
  lose: -0.5, lost: -0.4, decline: -0.5, declined: -0.5, drop: -0.4, dropped: -0.4, fall: -0.3, fell: -0.4,
  decrease: -0.3, decreased: -0.3, weak: -0.5, weaker: -0.5, risk: -0.3, risks: -0.3, concern: -0.4, concerns: -0.4,
  worried: -0.5, worry: -0.5, difficult: -0.4, difficulty: -0.4, negative: -0.6, miss: -0.3, missed: -0.4,
  shortfall: -0.6, debt: -0.2, impairment: -0.5, writedown: -0.5, lawsuit: -0.5, fraud: -0.9, scam: -0.9,
  dirty: -0.6, noisy: -0.4, uncomfortable: -0.5, confusing: -0.5, complicated: -0.4, unacceptable: -0.8,
  mediocre: -0.4, cheap: -0.2, damaged: -0.6, cancelled: -0.4, canceled: -0.4, refund: -0.3, unreliable: -0.6,
  unstable: -0.5, painful: -0.6, nightmare: -0.9, pathetic: -0.8, sad: -0.6, sorry: -0.3, regret: -0.6,
  pessimistic: -0.6, downturn: -0.6, recession: -0.6, layoffs: -0.6, bankrupt: -0.9, bankruptcy: -0.9,
  underperform: -0.6, underperformed: -0.6, disaster: -0.9, hard: -0.2, unfortunately: -0.5, lacking: -0.5,
  lack: -0.4, ignored: -0.5, wait: -0.2, waiting: -0.3, unresolved: -0.5, stuck: -0.4, poorly: -0.6,
};

/** Words that turn the polarity of the next words (`not bad`, `never works`). */
export const ENGLISH_NEGATORS = new Set([
  'not', 'no', 'never', 'neither', 'nor', 'without', 'hardly', 'barely', 'nothing', 'nobody', 'none', 'cannot',
  'lack', 'lacks',
]);

/** Words that strengthen (> 1) or soften (< 1) the next sentiment word. */
export const ENGLISH_MODIFIERS: Readonly<Record<string, number>> = {
  very: 1.5, really: 1.4, extremely: 1.8, highly: 1.5, so: 1.3, incredibly: 1.7, absolutely: 1.6, totally: 1.5,
  truly: 1.4, particularly: 1.3, especially: 1.3, completely: 1.5, super: 1.5, most: 1.3, too: 1.2, quite: 1.1,
  slightly: 0.5, somewhat: 0.6, bit: 0.6, little: 0.6, fairly: 0.8, rather: 0.8, kinda: 0.6, moderately: 0.7,
};

/** Words after which the rest of the sentence weighs more than what came before (`good, but slow`). */
export const ENGLISH_CONTRASTS = new Set(['but', 'however', 'yet', 'nevertheless', 'nonetheless', 'though', 'still']);
/** Words whose own clause weighs less (`although it was late, ...`). */
export const ENGLISH_CONCESSIVES = new Set(['although', 'despite', 'while', 'whilst', 'even']);
