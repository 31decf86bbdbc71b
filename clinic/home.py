"""Where a clinic's vault lives: CLINIC_HOME, --home, or the platform's data folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    path: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike | None = None) -> Home:
        if explicit:
            return cls(Path(explicit).expanduser())
        if os.environ.get("CLINIC_HOME"):
            return cls(Path(os.environ["CLINIC_HOME"]).expanduser())
        import platformdirs

        return cls(Path(platformdirs.user_data_dir("ClinicIntake", appauthor=False)))

    @property
    def db(self) -> Path:
        return self.path / "clinic.db"

    @property
    def keys(self) -> Path:
        return self.path / "clinic.keys"

    @property
    def demo_marker(self) -> Path:
        """A plain file saying "this vault is a demo", so even the locked screen can say DEMO. It holds no
        secret; the encrypted settings' flag stays the authority once unlocked."""
        return self.path / "DEMO"

    def is_demo(self) -> bool:
        return self.demo_marker.exists()

    def has_vault(self) -> bool:
        return self.keys.exists() or self.db.exists() or self.keys.with_name("clinic.keys.bak").exists()

    def vault_files(self) -> list[Path]:
        return sorted(p for p in self.path.iterdir() if p.is_file()) if self.path.exists() else []
