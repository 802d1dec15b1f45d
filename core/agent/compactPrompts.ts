import { promptLine } from './prompts';
import type { TaskPromptInput } from './prompts';

/**
 * A short system prompt for small models (the local profile's tiny policy): the same rules and
 * tools as the full prompt, stated in a few lines, so that a context of a few thousand tokens
 * holds the issue and several turns.
 */
export function compactSystemPrompt(): string {
  return `You fix an issue in a code repository from a Linux shell. Each reply is one short sentence of reasoning, then exactly one command in a \`\`\`bash block; its output comes in the next message.
Tools on PATH besides the shell: open FILE [LINE]; search_file TERM [FILE]; edit [--file PATH] START:END with the new lines on stdin; replace [--file PATH] SEARCH REPLACE (SEARCH must occur exactly once); submit (alone in the block; ends the task, your change is the git diff).`;
}

/** The first user message in compact form: the issue and what is asked. */
export function compactFirstUserMessage(input: TaskPromptInput): string {
  const repoDir = input.repoDir ?? '/testbed';
  return `<issue>
${input.problemStatement.trim()}
</issue>

Fix the source code (not the tests) of the repository in ${repoDir}, your current directory, so that the issue is resolved; hidden tests will check it. Reply with submit when done.
${promptLine({ cwd: repoDir, openFile: null })}`;
}
