"""parley's errors, each with a stable code (like spaCy's E001...), so users can look them up."""

from __future__ import annotations


class ParleyError(Exception):
    """Base class: ``code`` is stable across versions, ``message`` says what is wrong."""

    code = "P000"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.message = message
        self.source = source
        super().__init__(str(self))

    def __reduce__(self):  # pickled across processes (Dask workers) with message and source intact
        return (_rebuild, (type(self), self.message, self.source))

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.message} [{self.code}]"


class InputError(ParleyError):
    """An input that cannot be read as an article (empty, binary, bad encoding, too large...)."""

    code = "P100"


class NotEnglishWarning(ParleyError):
    """The text does not look like English; records are still extracted but will be poor."""

    code = "P101"


class OutputError(ParleyError):
    """A file or stream parley was asked to write cannot be written (missing directory, full disk...)."""

    code = "P102"


class FetchError(ParleyError):
    """A URL could not be fetched (unreachable, HTTP error, too large, timed out)."""

    code = "P200"


class BlockedAddressError(FetchError):
    """A URL resolves to a private, loopback, link-local or metadata address (SSRF guard)."""

    code = "P201"


class FeedError(ParleyError):
    """A feed or batch file that cannot be parsed."""

    code = "P202"


class ModelError(ParleyError):
    """The spaCy pipeline named in the settings cannot be loaded."""

    code = "P300"


class ActorDataError(ParleyError):
    """An actor registry file that is malformed."""

    code = "P301"


class SettingsError(ParleyError):
    """A settings file that cannot be read, or a setting that is unknown or has the wrong type."""

    code = "P302"


class ClusterError(ParleyError):
    """The Dask cluster cannot be reached or used (no scheduler, no worker, connection lost)."""

    code = "P600"


class ExtractionError(ParleyError):
    """Extracting the records of one article failed, or killed every worker that tried."""

    code = "P601"


class StoreError(ParleyError):
    """The database cannot be opened or migrated."""

    code = "P400"


class NotFoundError(ParleyError):
    """An id (article, fact, actor) that is not in the store."""

    code = "P404"


class AlertRuleError(ParleyError):
    """An alert rule (in a rules file, on the command line or sent to the API) that is not valid."""

    code = "P700"


class DeliveryError(ParleyError):
    """An alert could not be delivered (webhook receiver or SMTP server refused or unreachable)."""

    code = "P701"


def _rebuild(cls: type[ParleyError], message: str, source: str | None) -> ParleyError:
    return cls(message, source=source)
