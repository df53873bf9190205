/** The report templates by name; an unknown one fails the job at once with a code. */
import type { ReportTemplate } from '../../../schemas/report-template.ts';
import { SedanoError } from '../../lib/errors.ts';
import { defaultTemplate } from './default-template.ts';
import { financialTemplate } from './financial-template.ts';
import type { ReportLayout } from './report-layout.ts';

const TEMPLATES: Readonly<Record<ReportTemplate, ReportLayout>> = {
  DEFAULT: defaultTemplate,
  FINANCIAL: financialTemplate,
};

/** The layout of `name`; throws SEDANO_ERR_EXPORT_UNKNOWN_TEMPLATE (not retriable) for a template this exporter lacks. */
export function reportTemplate(name: string): ReportLayout {
  if (!Object.hasOwn(TEMPLATES, name)) {
    throw new SedanoError(
      'SEDANO_ERR_EXPORT_UNKNOWN_TEMPLATE',
      `no report template ${JSON.stringify(name)} (templates: ${Object.keys(TEMPLATES).join(', ')})`,
      { retriable: false },
    );
  }
  return TEMPLATES[name as ReportTemplate];
}
