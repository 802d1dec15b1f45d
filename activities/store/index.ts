export { finishEpisode, initEpisode } from './episodeActivities';
