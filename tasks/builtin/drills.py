"""The drill suite: many small procedurally generated tasks, one bug of a drill family each.

Train and eval tasks use disjoint package nouns, so no eval package, path or function name is
ever seen in training; the families and the way their issues are worded are shared.
"""
import random
from dataclasses import dataclass

from drill_families import FAMILIES
from model import Bug, Domain

ORG = "swe-rl-drills"

TRAIN_NOUNS = (
    "orders", "tickets", "sensors", "invoices", "parcels", "votes", "lessons", "flights",
    "patients", "recipes", "rentals", "scores", "shipments", "signals", "songs", "tasks",
    "trades", "visits", "wages", "bids", "books", "builds", "calls", "claims",
    "clicks", "coupons", "deals", "doses", "events", "fares", "fees", "games",
    "grants", "hikes", "jobs", "loans", "meals", "meters", "notes", "plays",
)
EVAL_NOUNS = (
    "readings", "bookings", "payments", "samples", "tracks", "routes",
    "exams", "donations", "sales", "orbits", "batches", "tolls",
)
MODULES = ("core", "utils", "helpers", "calc", "reports", "metrics", "logic", "tools")


@dataclass(frozen=True)
class DrillSpec:
    """Everything that varies between drills of one family; also what a demonstration needs."""

    family: object
    noun: str
    module: str
    verb: str
    statement_index: int

    @property
    def func(self) -> str:
        return f"{self.verb}_{self.noun}"

    @property
    def path(self) -> str:
        return f"{self.noun}/{self.module}.py"

    @property
    def test_path(self) -> str:
        return f"tests/test_{self.module}.py"

    def fill(self, template: str) -> str:
        return template.format(func=self.func, noun=self.noun)

    def statement(self) -> str:
        text = self.fill(self.family.statements[self.statement_index])
        return text[0].upper() + text[1:]


def random_spec(rng: random.Random, family, nouns: tuple) -> DrillSpec:
    return DrillSpec(
        family=family,
        noun=rng.choice(nouns),
        module=rng.choice(MODULES),
        verb=rng.choice(family.verbs),
        statement_index=rng.randrange(len(family.statements)),
    )


def module_source(spec: DrillSpec) -> str:
    return spec.fill(spec.family.source)


def domain_of(spec: DrillSpec, name: str) -> Domain:
    family = spec.family
    module_import = f"from {spec.noun}.{spec.module} import {spec.func}\n"
    existing_tests = f"{module_import}\n\ndef test_{spec.func}_basic():\n    assert {spec.fill(family.passing_test)}\n"
    new_tests = f"def test_{spec.func}_{family.name}():\n    assert {spec.fill(family.failing_test)}\n"
    files = {
        f"{spec.noun}/__init__.py": "",
        spec.path: module_source(spec),
        spec.test_path: existing_tests,
    }
    bug = Bug(
        family=family.name,
        path=spec.path,
        fixed=family.fixed,
        buggy=family.buggy,
        test_path=spec.test_path,
        tests=new_tests,
        statement=spec.statement(),
    )
    return Domain(name=name, summary=f"Helpers for {spec.noun}.", files=files, bugs=(bug,))


def drill_specs(seed: int, train_per_family: int, eval_per_family: int) -> list:
    """(split, spec) pairs: each family's drills get distinct nouns within a split."""
    rng = random.Random(seed)
    chosen = []
    for split, nouns, count in (("train", TRAIN_NOUNS, train_per_family), ("eval", EVAL_NOUNS, eval_per_family)):
        if count > len(nouns):
            raise ValueError(f"{count} {split} drills per family, but only {len(nouns)} {split} nouns")
        for family in FAMILIES:
            for noun in rng.sample(nouns, count):
                spec = random_spec(rng, family, (noun,))
                chosen.append((split, spec))
    return chosen
