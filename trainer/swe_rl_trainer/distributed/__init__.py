"""FSDP2 training over N ranks (torchrun, one rank per GPU; gloo on CPU for tests).

process_group: ranks from torchrun's env; sharding: fully_shard per decoder layer then the root;
rank_batches: which sequences each rank trains on; fsdp_step: one SFT/DAPO update with the
global token count as the loss normaliser; sharded_checkpoint: torch.distributed.checkpoint
save/resume; hf_export: the consolidated Hugging Face export; run_steps: the torchrun entry point
that executes a step job; launch: how the worker starts it; sharded_logprobs: packed, chunked
action log-probs through the sharded root; logprob_job: a batch's action log-probs (old_logprobs
"trainer"); optimizer_interop: AdamW state to and from the single-process optimizer.pt;
rank_group: a long-lived rank group serving jobs over a folder.
"""
