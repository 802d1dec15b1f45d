from swe_rl_trainer.worker import ACTIVITIES, TASK_QUEUE, trainer_info


def test_trainer_info_reports_torch_and_device():
    info = trainer_info()
    assert info["device"] in ("cpu", "cuda")
    assert info["torch"].split(".")[0].isdigit()
    assert isinstance(info["worker_pid"], int)


def test_activities_are_registered_under_the_names_typescript_calls():
    names = {a.__temporal_activity_definition.name for a in ACTIVITIES}
    assert "trainer_info" in names
    assert TASK_QUEUE == "swe-rl-trainer"
