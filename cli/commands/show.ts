import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listEpisodeKeys, readStageByIteration, readStoredEpisode, readSummary, readTurnRecords } from '../../activities/store/storedEpisodes';
import { runDir } from '../../core/store/runPaths';
import { episodeKeyCandidates } from '../../core/transcript/episodePlace';
import { episodeRow, filterRows, formatEpisodeTable, OUTCOMES } from '../../core/transcript/episodeListing';
import { htmlTranscript } from '../../core/transcript/htmlTranscript';
import { textTranscript } from '../../core/transcript/textTranscript';
import { buildTranscript } from '../../core/transcript/transcriptModel';

export interface ShowOptions {
  runId: string;
  episode?: string;
  html?: string;
  iteration?: number;
  task?: string;
  outcome?: string;
  endReason?: string;
  runsDir?: string;
  json?: boolean;
}

/**
 * `swe-rl show RUN [EPISODE]`: one episode as a transcript (text, `--json` for the model,
 * `--html FILE` for a self-contained page), or without EPISODE the run's episodes as a table
 * filtered by iteration, task, outcome and end reason.
 */
export async function showCommand(opts: ShowOptions): Promise<number> {
  const runsDir = path.resolve(opts.runsDir ?? 'runs');
  if (!existsSync(runDir(runsDir, opts.runId))) throw new Error(`no run folder ${runDir(runsDir, opts.runId)} (--runs-dir sets where runs live)`);
  return opts.episode === undefined ? listEpisodes(runsDir, opts) : showEpisode(runsDir, opts.episode, opts);
}

function listEpisodes(runsDir: string, opts: ShowOptions): number {
  if (opts.outcome !== undefined && !(OUTCOMES as readonly string[]).includes(opts.outcome)) {
    throw new Error(`--outcome must be one of ${OUTCOMES.join(', ')}, not ${JSON.stringify(opts.outcome)}`);
  }
  const stages = readStageByIteration(runsDir, opts.runId);
  const rows = filterRows(
    listEpisodeKeys(runsDir, opts.runId).map((key) => {
      const ref = { runsDir, runId: opts.runId, episodeKey: key };
      return episodeRow(key, readSummary(ref), readTurnRecords(ref).length, stages);
    }),
    opts,
  );
  if (opts.json) console.log(JSON.stringify(rows, null, 2));
  else if (rows.length === 0) console.log(`no episodes of run ${opts.runId} match`);
  else process.stdout.write(formatEpisodeTable(rows));
  return 0;
}

function showEpisode(runsDir: string, episode: string, opts: ShowOptions): number {
  const known = listEpisodeKeys(runsDir, opts.runId);
  const episodeKey = episodeKeyCandidates(opts.runId, episode).find((key) => known.includes(key));
  if (episodeKey === undefined) {
    const near = known.filter((key) => key.includes(episode) || episode.includes(key)).slice(0, 5);
    throw new Error(
      `run ${opts.runId} has no episode ${JSON.stringify(episode)}; \`swe-rl show ${opts.runId}\` lists its episode ids` +
        (near.length > 0 ? ` (close: ${near.join(', ')})` : ''),
    );
  }
  const transcript = buildTranscript(readStoredEpisode({ runsDir, runId: opts.runId, episodeKey }, readStageByIteration(runsDir, opts.runId)));
  if (opts.html) {
    writeFileSync(opts.html, htmlTranscript(transcript));
    console.error(`wrote ${path.resolve(opts.html)}`);
  }
  if (opts.json) console.log(JSON.stringify(transcript, null, 2));
  else if (!opts.html) process.stdout.write(textTranscript(transcript));
  return 0;
}
