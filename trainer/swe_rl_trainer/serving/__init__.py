"""How a published checkpoint reaches the serving process (the CPU policy server or vLLM)."""
