"""Seeded, stratified train/eval split made of whole domains.

A domain goes entirely to one split, so no eval repository or function is seen in training.
The eval domains are chosen so that together they hold every bug family exactly once, and the
train domains must still hold every family at least once.
"""
import random


def choose_eval_domains(domains: list, seed: int) -> set:
    families_of = {domain.name: {bug.family for bug in domain.bugs} for domain in domains}
    all_families = sorted(set().union(*families_of.values()))
    rng = random.Random(seed)
    order = sorted(families_of)
    rng.shuffle(order)

    def search(covered: set, chosen: list):
        missing = [family for family in all_families if family not in covered]
        if not missing:
            return chosen if _train_covers_all(families_of, chosen, all_families) else None
        for name in order:
            families = families_of[name]
            if name in chosen or missing[0] not in families or families & covered:
                continue
            found = search(covered | families, chosen + [name])
            if found is not None:
                return found
        return None

    chosen = search(set(), [])
    if chosen is None:
        raise ValueError("no split puts every family in both train and eval")
    return set(chosen)


def _train_covers_all(families_of: dict, eval_names: list, all_families: list) -> bool:
    train = set()
    for name, families in families_of.items():
        if name not in eval_names:
            train |= families
    return train.issuperset(all_families)
