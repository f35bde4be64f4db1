"""A real IMAP server for tests: Debian's Dovecot, started with a configuration written to a temporary folder.

It listens on a free port on 127.0.0.1, keeps its mail in maildirs under the folder and serves one
mailbox user. As root (CI) the mail processes run as Dovecot's own unprivileged users; as anyone
else, as that user. Missing Dovecot skips the test, except under CI=true (tests.services).
"""

from __future__ import annotations

import getpass
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.smtp import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"imap://{self.user.replace('@', '%40')}:{self.password}@{self.host}:{self.port}/INBOX"


def _config(root: Path, *, port: int, mail_user: str, login_user: str) -> str:
    uid = pwd.getpwnam(mail_user).pw_uid
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {mail_user}
default_login_user = {login_user}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={pwd.getpwnam(mail_user).pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
"""


@contextmanager
def dovecot(*, user: str = "support@supportdesk.example", password: str = "mailbox-secret") -> Iterator[ImapServer]:
    """Dovecot serving one mailbox; started daemonised, so its port listens once this returns.

    Its folder is a temporary one of its own, not pytest's: Dovecot's unprivileged processes must
    be able to reach it, and pytest's folders are private to the user running the tests.
    """
    root = Path(tempfile.mkdtemp(prefix="supportdesk-dovecot-"))
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir(exist_ok=True)
    if os.geteuid() == 0:
        mail_user, login_user = "dovecot", "dovenull"
        for folder in ("mail", "home"):
            shutil.chown(root / folder, user=mail_user, group=mail_user)
        root.chmod(0o755)
    else:
        mail_user = login_user = getpass.getuser()
    port = free_port()
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    config = root / "dovecot.conf"
    config.write_text(_config(root, port=port, mail_user=mail_user, login_user=login_user))
    # Daemonised, the master keeps whatever it was handed open: a pipe would never reach its end.
    with open(root / "start.log", "wb") as start_log:
        subprocess.run(  # noqa: S603 - our own fixed command line, no shell
            [DOVECOT, "-c", str(config)],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=start_log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield ImapServer(host="127.0.0.1", port=port, user=user, password=password)
    finally:
        pid_file = root / "run" / "master.pid"
        if pid_file.exists():
            with suppress(ProcessLookupError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        shutil.rmtree(root, ignore_errors=True)
