"""The configuration of the product, read from `JHA_*` environment variables, in one section per concern.

Every package reads its own section: `knowledge` the `embedding`, `chroma` and `search` sections, `ingest`
the `ingest` section, `assistant` the `llm` and `policy` sections; `web.settings.WebSettings` adds the web
server's own settings on top. The sections are defined here, beside the root that composes them, because
every other package depends on `knowledge` and none of them may depend on another (the layout of
private-gpt's one `settings.py` with its sections). Each entry point builds the settings once
(`make_settings()`) and passes them down; nothing reads the environment on import.

The names administrators set do not change with the sections: a field `base_url` of the `llm` section is
`JHA_LLM_BASE_URL`, and a few established names keep their own spelling (`JHA_EMBEDDER`,
`JHA_GATE_ACTION`, …; `environment_names()` lists all). The same names, lower case and without `JHA_`,
are accepted as keywords, so `make_settings(llm_base_url=url)` and `JHA_LLM_BASE_URL=url` mean the same:

>>> make_settings(llm_model="lokal", embedder="ngram").llm.model
'lokal'
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbedderMode(StrEnum):
    NGRAM = "ngram"  # weight-free: the lexical snapshot's sparse n-gram channel, no vectors
    HASHING = "hashing"  # weight-free hashed n-gram vectors in Chroma (slower, more memory)
    SENTENCE_TRANSFORMERS = "sentence-transformers"
    AUTO = "auto"


class GateAction(StrEnum):
    REFUSE = "refuse"
    REDACT = "redact"


class Section(BaseSettings):
    """A group of settings, read from `JHA_<SECTION>_<FIELD>` unless a field names its variable."""

    model_config = SettingsConfigDict(env_file=None, extra="forbid", populate_by_name=True)


class EmbeddingSettings(Section):
    """`knowledge.embedders`: how texts become vectors."""

    model_config = SettingsConfigDict(env_prefix="JHA_EMBEDDING_")

    # "auto" uses the sentence-transformers model when one is configured and found locally, and the
    # weight-free hashed vectors otherwise.
    mode: EmbedderMode = Field(default=EmbedderMode.AUTO, validation_alias="JHA_EMBEDDER")
    model: str | None = Field(default=None, description="Name or local path of a sentence-transformers model")
    query_prefix: str = ""
    document_prefix: str = ""
    allow_downloads: bool = Field(default=False, validation_alias="JHA_ALLOW_MODEL_DOWNLOADS")


class ChromaSettings(Section):
    """`knowledge.vector_store`: embedded Chroma under data_dir by default; "http://host:port" for the
    Chroma server (`chroma run`), which several processes and machines can share. It has no
    authentication."""

    model_config = SettingsConfigDict(env_prefix="JHA_CHROMA_")

    url: str | None = Field(default=None, pattern=r"^https?://[^/\s:]+(:\d+)?/?$")
    # One Chroma server can hold the knowledge bases of several offices, one collection each.
    collection: str = Field(default="chunks", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$")


class SearchSettings(Section):
    """`knowledge.search`: candidates, weights and the general thesaurus."""

    model_config = SettingsConfigDict(env_prefix="JHA_SEARCH_")

    candidates: int = Field(default=50, ge=5, le=1000)
    superseded_weight: float = Field(default=0.35, ge=0.0, le=1.0, validation_alias="JHA_SUPERSEDED_WEIGHT")
    # Lexical weight of the terms abbreviations and everyday words expand to (a typed word counts 1).
    expansion_weight: float = Field(default=1.0, ge=0.0, le=1.0)
    # General German synonyms (OpenThesaurus, Debian mythes-de) as extra lexical terms at this weight.
    # Off by default: measured no better on the dev split (README "Suche").
    general_synonyms: bool = False
    synonym_weight: float = Field(default=0.3, ge=0.0, le=1.0)
    openthesaurus_path: Path = Field(
        default=Path("/usr/share/mythes/th_de_DE_v2.dat"), validation_alias="JHA_OPENTHESAURUS_PATH"
    )


class IngestSettings(Section):
    """`ingest`: limits per file (README "Grenzen beim Einlesen") and the text recognition. A file over a
    limit fails alone with a German message naming the limit; the others in the run are ingested."""

    model_config = SettingsConfigDict(env_prefix="JHA_INGEST_")

    max_file_mb: float = Field(default=100.0, gt=0)
    max_unpacked_mb: float = Field(default=200.0, gt=0)  # DOCX/XLSX/ODT are zip archives
    max_zip_ratio: float = Field(default=100.0, gt=1)
    max_pages: int = Field(default=1000, ge=1)
    max_text_mb: float = Field(default=5.0, gt=0)  # million characters of extracted text
    max_seconds: float = Field(default=120.0, gt=0)  # wall-clock time to read one file
    max_memory_mb: int = Field(default=1024, ge=256)  # address space of the reading process
    min_word_share: float = Field(default=0.05, ge=0.0, le=1.0)  # 0 turns the word check off
    # Texterkennung (Tesseract) of scanned pages: language model, resolution, time per page.
    ocr_language: str = "deu"
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_page_seconds: float = Field(default=60.0, gt=0)
    ocr_workers: int = Field(default=2, ge=1, le=16)  # Tesseract processes at once (cores)
    # `python -m ingest laws import URL` may download from the internet only when an administrator
    # allows it; offline installs pass the downloaded xml.zip files.
    laws_download_enabled: bool = Field(default=False, validation_alias="JHA_LAWS_DOWNLOAD_ENABLED")


class LlmSettings(Section):
    """`assistant.answering.llm`: the optional OpenAI-compatible model. Nothing leaves the server unless
    base_url is set."""

    model_config = SettingsConfigDict(env_prefix="JHA_LLM_")

    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=60.0, gt=0)  # per connect and per read
    # Deadlines per answer that hold even when an endpoint keeps the connection open with keep-alives,
    # and the number of model calls at once (one more falls back to the built-in answer at once).
    first_token_seconds: float = Field(default=20.0, gt=0)
    total_seconds: float = Field(default=60.0, gt=0)
    max_concurrent: int = Field(default=4, ge=1, le=64)


class PolicySettings(Section):
    """`assistant.gate` and `assistant.log`: what the gate does with case data, and how long the answer
    log keeps its rows."""

    gate_action: GateAction = Field(default=GateAction.REFUSE, validation_alias="JHA_GATE_ACTION")
    # The German word list the storage filter vouches with (Debian's wngerman); missing = mask more.
    dictionary_path: Path = Field(
        default=Path("/usr/share/dict/ngerman"), validation_alias="JHA_DICTIONARY_PATH"
    )
    log_retention_days: int = Field(default=180, ge=1, validation_alias="JHA_LOG_RETENTION_DAYS")


SECTIONS: dict[str, type[Section]] = {
    "embedding": EmbeddingSettings,
    "chroma": ChromaSettings,
    "search": SearchSettings,
    "ingest": IngestSettings,
    "llm": LlmSettings,
    "policy": PolicySettings,
}


def _variable(section: type[Section], field: str) -> str:
    alias = section.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"{section.model_config.get('env_prefix', '')}{field}".upper()


# "llm_base_url" -> ("llm", "base_url"): the keyword spelling of every section's variable.
_KEYWORDS: dict[str, tuple[str, str]] = {
    _variable(section, field).removeprefix("JHA_").lower(): (name, field)
    for name, section in SECTIONS.items()
    for field in section.model_fields
}


class Settings(BaseSettings):
    """Everything an administrator can configure; see README "Konfiguration"."""

    model_config = SettingsConfigDict(env_prefix="JHA_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Alles, was das System schreibt, liegt hier.")
    # Answer log, accounts and (on PostgreSQL) the catalog; SQLite files under data_dir by default.
    database_url: str | None = None
    # Every account may read the collection `allgemein` (`knowledge.collections`); false: only what an
    # account was granted (`python -m web users collections`, JHA_GROUP_MAP). Maintainers read all.
    collection_default_for_all: bool = True
    secret_key: SecretStr | None = None
    # Tests only: pause the writing process at a named step ("catalog_committed" or "step:N" for the
    # N-th time) so that a test can kill it there; the web server blocks requests at it (web/testhook.py).
    # Empty, and so inert, unless a test sets it.
    test_pause_at: str = ""

    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)

    @model_validator(mode="before")
    @classmethod
    def _route_keywords(cls, data: Any) -> Any:
        """Move keywords such as `llm_base_url` into their section; the section reads the rest of its
        values from the environment (or keeps those of a section passed in whole)."""
        if not isinstance(data, dict):
            return data
        routed: dict[str, dict[str, object]] = {}
        rest: dict[str, Any] = {}
        for key, value in data.items():
            if key in _KEYWORDS:
                section, field = _KEYWORDS[key]
                routed.setdefault(section, {})[field] = value
            else:
                rest[key] = value
        for name, values in routed.items():
            given = rest.get(name)
            base = given.model_dump() if isinstance(given, Section) else dict(given or {})
            rest[name] = SECTIONS[name](**{**base, **values})
        return rest

    def replaced(self, **changes: object) -> Settings:
        """A copy with some values changed, by the keywords `make_settings` takes."""
        current = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**current, **changes})

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def chroma_dir(self) -> Path:
        return self.index_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'assistant.sqlite3').resolve()}"

    @property
    def catalog_url(self) -> str:
        """The catalog lives in the configured server database; with SQLite in its own file beside the
        vectors (as it always has: an index directory is complete by itself)."""
        if self.database_url and not self.database_url.startswith("sqlite"):
            return self.database_url
        return f"sqlite:///{(self.index_dir / 'catalog.sqlite3').resolve()}"


def environment_names(settings: type[Settings] = Settings) -> set[str]:
    """Every `JHA_*` variable the given settings class reads (its own fields and its sections')."""
    own = {f"JHA_{field.upper()}" for field in settings.model_fields if field not in SECTIONS}
    return own | {
        _variable(section, field) for section in SECTIONS.values() for field in section.model_fields
    }


def make_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides (tests, CLI options) on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
