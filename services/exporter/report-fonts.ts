/**
 * The fonts embedded in every report, read from installed npm packages (nothing is fetched at
 * run time): Roboto (pdfmake's own files) for the text, with the accented letters and the
 * euro sign Italian and English reports need; DejaVu Sans for the few signs Roboto lacks
 * (the ▲ ▼ marks of growth figures).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A font family: its TrueType files by style, as pdfmake's font table takes them. */
export interface FontFiles {
  normal: string;
  bold: string;
  italics: string;
  bolditalics: string;
}

/** The family of the report's text, as pdfmake and the charts' SVG name it. */
export const TEXT_FONT = 'Roboto';
/** The family of signs Roboto has no glyph for. */
export const SIGN_FONT = 'DejaVuSans';

let fonts: Record<string, FontFiles> | undefined;

/** The report fonts' files (absolute paths), resolved once. */
export function reportFonts(): Record<string, FontFiles> {
  if (fonts !== undefined) return fonts;
  const require = createRequire(import.meta.url);
  const roboto = dirname(require.resolve('pdfmake/fonts/Roboto/Roboto-Regular.ttf'));
  const dejavu = dirname(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  fonts = {
    [TEXT_FONT]: {
      normal: join(roboto, 'Roboto-Regular.ttf'),
      bold: join(roboto, 'Roboto-Medium.ttf'),
      italics: join(roboto, 'Roboto-Italic.ttf'),
      bolditalics: join(roboto, 'Roboto-MediumItalic.ttf'),
    },
    [SIGN_FONT]: {
      normal: join(dejavu, 'DejaVuSans.ttf'),
      bold: join(dejavu, 'DejaVuSans-Bold.ttf'),
      italics: join(dejavu, 'DejaVuSans-Oblique.ttf'),
      bolditalics: join(dejavu, 'DejaVuSans-BoldOblique.ttf'),
    },
  };
  return fonts;
}

/** The directories the fonts are in: the only local files a report may read. */
export function fontDirectories(): string[] {
  const files = Object.values(reportFonts()).flatMap((family): string[] => [
    family.normal,
    family.bold,
    family.italics,
    family.bolditalics,
  ]);
  return [...new Set(files.map((file) => dirname(file)))];
}
