"""The one configuration object of the product, read from `JHA_*` environment variables.

It lives in `knowledge` because every other package depends on this one; it is built once by each entry
point (`make_settings()`) and passed down, never read from the environment on import.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbedderMode(StrEnum):
    NGRAM = "ngram"  # weight-free: the lexical snapshot's sparse n-gram channel, no vectors
    HASHING = "hashing"  # weight-free hashed n-gram vectors in Chroma (slower, more memory)
    SENTENCE_TRANSFORMERS = "sentence-transformers"
    AUTO = "auto"


class GateAction(StrEnum):
    REFUSE = "refuse"
    REDACT = "redact"


class Settings(BaseSettings):
    """Everything an administrator can configure; see README "Konfiguration"."""

    model_config = SettingsConfigDict(env_prefix="JHA_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Alles, was das System schreibt, liegt hier.")

    # Embeddings: "auto" uses the sentence-transformers model when one is configured and found locally,
    # and the weight-free n-gram channel otherwise.
    embedder: EmbedderMode = EmbedderMode.AUTO
    embedding_model: str | None = Field(
        default=None, description="Name or local path of a sentence-transformers model."
    )
    embedding_query_prefix: str = ""
    embedding_document_prefix: str = ""
    allow_model_downloads: bool = False

    # Vectors: embedded Chroma under data_dir by default; "http://host:port" for the Chroma server
    # (`chroma run`), which several processes and machines can share. It has no authentication.
    chroma_url: str | None = Field(default=None, pattern=r"^https?://[^/\s:]+(:\d+)?/?$")
    # One Chroma server can hold the knowledge bases of several offices, one collection each.
    chroma_collection: str = Field(default="chunks", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$")

    # Search
    search_candidates: int = Field(default=50, ge=5, le=1000)
    superseded_weight: float = Field(default=0.35, ge=0.0, le=1.0)
    # General German synonyms (OpenThesaurus, Debian mythes-de) as extra lexical terms at this weight
    # (a typed word counts 1). Off by default: measured no better on the dev split (README "Suche").
    # Lexical weight of the terms abbreviations and everyday words expand to (a typed word counts 1).
    search_expansion_weight: float = Field(default=1.0, ge=0.0, le=1.0)
    search_general_synonyms: bool = False
    search_synonym_weight: float = Field(default=0.3, ge=0.0, le=1.0)
    openthesaurus_path: Path = Path("/usr/share/mythes/th_de_DE_v2.dat")

    # Answer log and accounts
    database_url: str | None = None
    log_retention_days: int = Field(default=180, ge=1)
    # Every account may read the collection `allgemein` (`knowledge.collections`); false: only what an
    # account was granted (`python -m web users collections`, JHA_GROUP_MAP). Maintainers read all.
    collection_default_for_all: bool = True
    secret_key: SecretStr | None = None

    # Policy
    gate_action: GateAction = GateAction.REFUSE
    # The German word list the storage filter vouches with (Debian's wngerman); missing = mask more.
    dictionary_path: Path = Path("/usr/share/dict/ngerman")

    # Optional LLM (OpenAI-compatible). Nothing leaves the server unless base_url is set.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=60.0, gt=0)  # per connect and per read
    # Deadlines per answer that hold even when an endpoint keeps the connection open with keep-alives,
    # and the number of model calls at once (one more falls back to the built-in answer at once).
    llm_first_token_seconds: float = Field(default=20.0, gt=0)
    llm_total_seconds: float = Field(default=60.0, gt=0)
    llm_max_concurrent: int = Field(default=4, ge=1, le=64)

    # Ingest limits per file (README "Grenzen beim Einlesen"). A file over a limit fails alone with a
    # German message naming the limit; the others in the run are ingested.
    ingest_max_file_mb: float = Field(default=100.0, gt=0)
    ingest_max_unpacked_mb: float = Field(default=200.0, gt=0)  # DOCX/XLSX/ODT are zip archives
    ingest_max_zip_ratio: float = Field(default=100.0, gt=1)
    ingest_max_pages: int = Field(default=1000, ge=1)
    ingest_max_text_mb: float = Field(default=5.0, gt=0)  # million characters of extracted text
    ingest_max_seconds: float = Field(default=120.0, gt=0)  # wall-clock time to read one file
    ingest_max_memory_mb: int = Field(default=1024, ge=256)  # address space of the reading process
    ingest_min_word_share: float = Field(default=0.05, ge=0.0, le=1.0)  # 0 turns the word check off
    # Texterkennung (Tesseract) of scanned pages: language model, resolution, time per page.
    ingest_ocr_language: str = "deu"
    ingest_ocr_dpi: int = Field(default=300, ge=72, le=600)
    ingest_ocr_page_seconds: float = Field(default=60.0, gt=0)
    ingest_ocr_workers: int = Field(default=2, ge=1, le=16)  # Tesseract processes at once (cores)
    # `python -m ingest laws import URL` may download from the internet only when an administrator
    # allows it; offline installs pass the downloaded xml.zip files.
    laws_download_enabled: bool = False
    # Tests only: pause the writing process at a named step ("catalog_committed" or "step:N" for the
    # N-th time) so that a test can kill it there. Empty, and so inert, unless a test sets it.
    test_pause_at: str = ""

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


def make_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides (tests, CLI options) on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
