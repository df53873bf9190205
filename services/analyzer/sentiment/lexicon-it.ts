/**
 * Italian sentiment words written for sedano's users (relazioni, bilanci, recensioni di
 * clienti), with a polarity in [-1, 1]. They are stemmed when the lexicon is built (Snowball,
 * @nlpjs/lang-it), so `deludente` covers deludenti/deluso/delusione through their stems where
 * these coincide; words missing here fall back to the @nlpjs/lang-it lexicon at a reduced
 * weight (lexicon.ts). Forms in -issimo are read as their base word, intensified.
 */
export const ITALIAN_WORDS: Readonly<Record<string, number>> = {
  buono: 0.6, buona: 0.6, buoni: 0.6, buone: 0.6, bene: 0.5, benissimo: 0.9, ottimo: 0.9, ottima: 0.9, ottimi: 0.9,
  ottime: 0.9, eccellente: 0.9, eccezionale: 0.9, straordinario: 0.8, fantastico: 0.8, fantastica: 0.8,
  meraviglioso: 0.8, perfetto: 0.8, perfetta: 0.8, bello: 0.6, bella: 0.6, belli: 0.6, splendido: 0.8, magnifico: 0.8,
  soddisfatto: 0.7, soddisfatta: 0.7, soddisfatti: 0.7, soddisfacente: 0.6, contento: 0.7, contenta: 0.7,
  felice: 0.7, felici: 0.7, piacevole: 0.6, piace: 0.5, piaciuto: 0.6, adoro: 0.8, amo: 0.7, consiglio: 0.5,
  consigliato: 0.6, raccomando: 0.6, gentile: 0.6, gentili: 0.6, cortese: 0.6, cortesi: 0.6, disponibile: 0.5,
  disponibili: 0.5, professionale: 0.5, professionali: 0.5, competente: 0.5, rapido: 0.5, rapida: 0.5,
  rapidamente: 0.4, veloce: 0.5, veloci: 0.5, puntuale: 0.5, puntuali: 0.5, efficiente: 0.6, efficace: 0.5,
  semplice: 0.3, facile: 0.4, utile: 0.5, affidabile: 0.6, solido: 0.5, solida: 0.5, robusto: 0.5, robusta: 0.5,
  crescita: 0.5, cresciuto: 0.4, cresciuti: 0.4, cresce: 0.4, crescono: 0.4, aumento: 0.2, migliorato: 0.5,
  migliorata: 0.5, miglioramento: 0.5, migliore: 0.6, migliori: 0.6, record: 0.4, successo: 0.7, positivo: 0.6,
  positiva: 0.6, positivi: 0.6, positive: 0.6, utile_netto: 0.3, profitto: 0.4, guadagno: 0.4, superato: 0.4,
  ottimista: 0.6, ottimisti: 0.6, grazie: 0.5, grato: 0.6, comodo: 0.5, comoda: 0.5, pulito: 0.5, pulita: 0.5,
  conveniente: 0.5, convenienti: 0.5, chiaro: 0.3, chiara: 0.3, risolto: 0.5, risolta: 0.5, impeccabile: 0.8,
  stupendo: 0.8, favoloso: 0.8, top: 0.6, valido: 0.5, valida: 0.5, preciso: 0.5, precisa: 0.5, accurato: 0.5,
  cattivo: -0.6, cattiva: -0.6, male: -0.5, malissimo: -0.9, pessimo: -0.9, pessima: -0.9, pessimi: -0.9,
  terribile: -0.9, orribile: -0.9, schifoso: -0.9, scadente: -0.7, scadenti: -0.7, deludente: -0.7,
  deludenti: -0.7, deluso: -0.7, delusa: -0.7, delusi: -0.7, delusione: -0.7, insoddisfatto: -0.7,
  insoddisfatta: -0.7, insoddisfatti: -0.7, arrabbiato: -0.7, arrabbiata: -0.7, lento: -0.5, lenta: -0.5,
  lenti: -0.5, lentissimo: -0.8, ritardo: -0.5, ritardi: -0.5, rotto: -0.6, rotta: -0.6, rotti: -0.6,
  guasto: -0.6, difettoso: -0.7, difettosa: -0.7, inutile: -0.7, inutili: -0.7, scortese: -0.7, scortesi: -0.7,
  maleducato: -0.7, caro: -0.3, costoso: -0.4, costosa: -0.4, problema: -0.5, problemi: -0.5, errore: -0.4,
  errori: -0.4, reclamo: -0.5, reclami: -0.5, lamentela: -0.5, perdita: -0.5, perdite: -0.5, perso: -0.4,
  calo: -0.5, cali: -0.5, diminuzione: -0.3, diminuito: -0.3, ridotto: -0.2, flessione: -0.5, peggiorato: -0.6,
  peggiorata: -0.6, peggiore: -0.7, peggio: -0.6, debole: -0.5, deboli: -0.5, rischio: -0.3, rischi: -0.3,
  preoccupazione: -0.5, preoccupato: -0.5, preoccupante: -0.6, difficile: -0.4, difficoltà: -0.5, negativo: -0.6,
  negativa: -0.6, negativi: -0.6, negative: -0.6, crisi: -0.6, fallimento: -0.8, frode: -0.9, truffa: -0.9,
  sporco: -0.6, sporca: -0.6, rumoroso: -0.4, scomodo: -0.5, scomoda: -0.5, confuso: -0.5, complicato: -0.4,
  inaccettabile: -0.8, mediocre: -0.5, danneggiato: -0.6, danneggiata: -0.6, annullato: -0.4, rimborso: -0.3,
  disastro: -0.9, vergogna: -0.8, vergognoso: -0.8, purtroppo: -0.5, mancanza: -0.4, manca: -0.3, ignorato: -0.5,
  attesa: -0.2, bloccato: -0.4, sbagliato: -0.5, sbagliata: -0.5, triste: -0.6, insufficiente: -0.6,
  inadeguato: -0.6, inadeguata: -0.6, recessione: -0.6, licenziamenti: -0.6, mancato: -0.4, odio: -0.8,
};

/** Words that turn the polarity of the next words (`non è buono`, `nessun problema`). */
export const ITALIAN_NEGATORS = new Set([
  'non', 'no', 'mai', 'né', 'nessun', 'nessuno', 'nessuna', 'niente', 'nulla', 'senza', 'mica', 'neanche',
  'nemmeno', 'neppure', 'affatto',
]);

/** Words that strengthen (> 1) or soften (< 1) the next sentiment word. */
export const ITALIAN_MODIFIERS: Readonly<Record<string, number>> = {
  molto: 1.5, davvero: 1.4, veramente: 1.4, estremamente: 1.8, particolarmente: 1.3, assolutamente: 1.6,
  decisamente: 1.4, proprio: 1.2, super: 1.5, troppo: 1.3, tanto: 1.3, così: 1.2, altamente: 1.5,
  incredibilmente: 1.7, completamente: 1.5, totalmente: 1.5, più: 1.1, poco: 0.5, leggermente: 0.5,
  abbastanza: 0.8, piuttosto: 0.8, alquanto: 0.7, moderatamente: 0.7,
};

/** Words after which the rest of the sentence weighs more (`buono, ma lento`). */
export const ITALIAN_CONTRASTS = new Set(['ma', 'però', 'tuttavia', 'eppure', 'invece', 'comunque']);
/** Words whose own clause weighs less (`anche se in ritardo, ...`). */
export const ITALIAN_CONCESSIVES = new Set(['sebbene', 'benché', 'seppure', 'seppur', 'malgrado', 'nonostante', 'anche']);
