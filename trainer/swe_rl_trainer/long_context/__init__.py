"""Long sequences within memory: chunked action log-probs, packing, the context limit and YaRN."""
