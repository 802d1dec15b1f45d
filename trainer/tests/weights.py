"""A digest of a trainer's weights: equal digests, equal weights."""
import hashlib


def weights_digest(trainer):
    digest = hashlib.sha256()
    for name, tensor in sorted(trainer.model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().numpy().tobytes())
    return digest.hexdigest()
