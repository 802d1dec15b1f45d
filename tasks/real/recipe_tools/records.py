"""The SWE-bench / SWE-rebench record of one built instance, and the tasks.jsonl file."""
import json
import os


def task_record(recipe, base_commit, patch, test_patch):
    return {
        "instance_id": recipe["instance_id"],
        "repo": recipe["repo"],
        "base_commit": base_commit,
        "problem_statement": recipe["problem_statement"],
        "patch": patch,
        "test_patch": test_patch,
        "FAIL_TO_PASS": list(recipe["FAIL_TO_PASS"]),
        "PASS_TO_PASS": list(recipe["PASS_TO_PASS"]),
        "created_at": recipe["created_at"],
        "version": recipe["version"],
        "environment_setup_commit": base_commit,
        "install_config": install_config(recipe["environment"]),
    }


def install_config(environment):
    """The recipe's environment in SWE-rebench's install_config shape (absent keys get their defaults)."""
    return {
        "python": environment["python"],
        "pip_packages": list(environment.get("pip_packages", [])),
        "install": environment.get("install", ""),
        "test_cmd": environment["test_cmd"],
    }


def write_tasks(out_dir, records):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "tasks.jsonl")
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def read_tasks(out_dir):
    path = os.path.join(out_dir, "tasks.jsonl")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
