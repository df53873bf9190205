/**
 * A generated labelled corpus for the training benchmark (pure, seeded): short English and
 * Italian sentences in four classes, each built from words of its class, common words and,
 * now and then, a word of another class, so the classes overlap and accuracy is not trivially 1.
 */
import type { LabelledExample } from '../../schemas/labelled-example.ts';
import { createSeededRandom } from '../../services/trainer/training/seeded-random.ts';

const CLASS_WORDS: Record<string, string[]> = {
  finance: [
    'revenue',
    'profit',
    'margin',
    'dividend',
    'shares',
    'bond',
    'interest',
    'earnings',
    'guidance',
    'investors',
    'fatturato',
    'utile',
    'margine',
    'dividendo',
    'azioni',
    'obbligazioni',
    'tassi',
    'ricavi',
    'previsioni',
    'investitori',
  ],
  sport: [
    'match',
    'goal',
    'team',
    'coach',
    'players',
    'championship',
    'tournament',
    'striker',
    'referee',
    'season',
    'partita',
    'gol',
    'squadra',
    'allenatore',
    'giocatori',
    'campionato',
    'torneo',
    'attaccante',
    'arbitro',
    'stagione',
  ],
  weather: [
    'rain',
    'wind',
    'snow',
    'storm',
    'forecast',
    'temperature',
    'clouds',
    'sunny',
    'fog',
    'heatwave',
    'pioggia',
    'vento',
    'neve',
    'temporale',
    'previsioni',
    'temperatura',
    'nuvole',
    'soleggiato',
    'nebbia',
    'caldo',
  ],
  technology: [
    'software',
    'server',
    'network',
    'update',
    'security',
    'cloud',
    'database',
    'release',
    'developers',
    'chip',
    'programma',
    'rete',
    'aggiornamento',
    'sicurezza',
    'dati',
    'rilascio',
    'sviluppatori',
    'processore',
    'app',
    'sistema',
  ],
};

const COMMON_WORDS = [
  'the',
  'new',
  'report',
  'today',
  'after',
  'week',
  'year',
  'city',
  'people',
  'news',
  'said',
  'more',
  'il',
  'nuovo',
  'oggi',
  'dopo',
  'settimana',
  'anno',
  'città',
  'persone',
  'notizie',
  'detto',
  'più',
  'della',
];

/** The corpus's labels. */
export const CORPUS_LABELS = Object.keys(CLASS_WORDS);

/** `count` examples, labels in turn, sentences drawn from `seed`. */
export function generateLabelledCorpus(count: number, seed = 1): LabelledExample[] {
  const random = createSeededRandom(seed);
  const pick = (words: readonly string[]) => words[Math.floor(random.next() * words.length)] as string;
  return Array.from({ length: count }, (_, index) => {
    const label = CORPUS_LABELS[index % CORPUS_LABELS.length] as string;
    const words = [
      ...Array.from({ length: 3 }, () => pick(CLASS_WORDS[label] ?? [])),
      ...Array.from({ length: 4 }, () => pick(COMMON_WORDS)),
    ];
    if (random.next() < 0.3) {
      const other = CORPUS_LABELS[Math.floor(random.next() * CORPUS_LABELS.length)] as string;
      words.push(pick(CLASS_WORDS[other] ?? []), pick(CLASS_WORDS[other] ?? []));
    }
    return { text: random.shuffle(words).join(' '), label };
  });
}
