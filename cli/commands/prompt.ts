import { episodePrompt, promptStyleSchema } from '../../core/agent/promptStyle';
import { formatErrorMessage } from '../../core/agent/formatErrors';
import { promptLine, renderFormatErrorObservation } from '../../core/agent/prompts';
import { parseOrThrow } from '../../core/validation';

/**
 * `swe-rl prompt [--style full|compact] [--issue TEXT]`: the opening messages an episode stores,
 * as JSON, plus the prompt line that ends every observation and the observation of a reply
 * without a code block. The demonstration builder reads this
 * so that its conversations match the episodes' text exactly.
 */
export async function promptCommand(options: { style?: string; issue?: string; timeout?: number }): Promise<number> {
  const style = parseOrThrow(promptStyleSchema, options.style ?? 'full', 'prompt style');
  const issue = options.issue ?? '{issue}';
  const prompt = episodePrompt(style, { problemStatement: issue, commandTimeoutSeconds: options.timeout ?? 30 });
  const state = { cwd: '/testbed', openFile: null };
  const formatError = renderFormatErrorObservation(formatErrorMessage('no_command'), state);
  process.stdout.write(JSON.stringify({ ...prompt, promptLine: promptLine(state), formatError }) + '\n');
  return 0;
}
