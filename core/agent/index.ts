export { parseAction, type ParsedAction } from './parseAction';
export { formatErrorMessage, type FormatErrorKind } from './formatErrors';
export {
  REPORT_MARKER,
  buildCommandScript,
  nextShellState,
  parseCommandOutput,
  type CommandReport,
  type CommandScriptOptions,
  type ParsedCommandOutput,
  type ShellState,
} from './shellCommand';
export {
  firstUserMessage,
  promptLine,
  renderFormatErrorObservation,
  renderObservation,
  systemPrompt,
  type ObservationInput,
  type SystemPromptOptions,
  type TaskPromptInput,
} from './prompts';
export {
  DEFAULT_TOOLS_HOME,
  DEFAULT_TOOLS_STATE_FILE,
  TOOLS_PROGRAM_NAME,
  TOOL_COMMANDS,
  installToolsScript,
  toolWrapperScript,
  toolsBinDir,
  toolsProgramPath,
  type ToolCommand,
} from './toolsInstall';
export { episodePrompt, promptStyleSchema, type PromptStyle } from './promptStyle';
export { compactFirstUserMessage, compactSystemPrompt } from './compactPrompts';
export { buildPatchScript, type PatchScriptOptions } from './patchScript';
export { shellQuote } from '../shellQuote';
