"""The student's state in .course/ (git ignores it): what the last check
said of each exercise, how many hint lines each has revealed, and the
backups `reset` makes.

progress: one line "chNN name pass|fail" per exercise (the bash version of
this command wrote the same file, so old progress carries over);
hints: one line "chNN name N", N lines shown so far.
"""

import datetime


class Progress:
    def __init__(self, root):
        self.dir = root / ".course"
        self._progress = self.dir / "progress"
        self._hints = self.dir / "hints"

    @staticmethod
    def _read(path):
        table = {}
        try:
            for line in path.read_text(encoding="utf-8").splitlines():
                fields = line.split()
                if len(fields) == 3:
                    table[(fields[0], fields[1])] = fields[2]
        except FileNotFoundError:
            pass
        return table

    def _write(self, path, table):
        self.dir.mkdir(parents=True, exist_ok=True)
        new = path.with_name(path.name + ".new")
        new.write_text("".join(f"{ch} {name} {value}\n" for (ch, name), value in table.items()),
                       encoding="utf-8")
        new.replace(path)  # a Ctrl-C never leaves half a file

    def status(self, exercise):
        """pass, fail, or None (never checked, or reset since)."""
        return self._read(self._progress).get((exercise.chapter, exercise.name))

    def record(self, exercise, status):
        table = self._read(self._progress)
        table.pop((exercise.chapter, exercise.name), None)
        if status:
            table[(exercise.chapter, exercise.name)] = status
        self._write(self._progress, table)

    def hints_shown(self, exercise):
        value = self._read(self._hints).get((exercise.chapter, exercise.name), "0")
        return int(value) if value.isdigit() else 0

    def set_hints_shown(self, exercise, count):
        table = self._read(self._hints)
        table[(exercise.chapter, exercise.name)] = str(count)
        self._write(self._hints, table)

    def new_backup_dir(self):
        """A fresh folder under .course/backup/, named by the time."""
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup, n = self.dir / "backup" / stamp, 1
        while backup.exists():  # two resets within a second
            n += 1
            backup = self.dir / "backup" / f"{stamp}-{n}"
        backup.mkdir(parents=True)
        return backup
