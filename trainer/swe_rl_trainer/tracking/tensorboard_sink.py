"""TensorBoard event files in `<run_dir>/tracking/tensorboard/` (each sync appends a new event file)."""
from __future__ import annotations

from pathlib import Path

from .run_points import Point


def tensorboard_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "tracking" / "tensorboard"


class TensorBoardSink:
    name = "tensorboard"

    def __init__(self, run_dir: Path, run_id: str):
        from torch.utils.tensorboard import SummaryWriter

        self.writer = SummaryWriter(log_dir=str(tensorboard_dir(run_dir)))

    def write(self, points: list[Point]) -> None:
        for point in points:
            self.writer.add_scalar(point.tag, point.value, global_step=point.step)

    def write_image(self, tag: str, step: int, png: Path) -> None:
        import matplotlib.image

        pixels = matplotlib.image.imread(str(png))  # floats in [0, 1], RGB or RGBA
        self.writer.add_image(tag, pixels[:, :, :3], global_step=step, dataformats="HWC")

    def close(self) -> None:
        self.writer.close()  # flushes
