"""Test support: local, protocol-faithful servers on loopback and the tables they serve.

`PxWebServer` (SCB's PxWebApi 2), `AfServer` (Arbetsförmedlingen's open-data files and the
JobTech taxonomy) and `JobSearchServer` (JobSearch, JobStream, historical ad files) share the
plumbing in `loopback`. Not used by the product at run time; tests and benchmarks start them.
"""

from support.af_server import AfRequest, AfServer
from support.jobsearch_server import (
    AdRequest,
    JobSearchServer,
    synthetic_ads,
    write_synthetic_history,
)
from support.pxweb_server import (
    PROTOCOL_NOTES,
    PxWebServer,
    RequestRecord,
    ServerConfig,
)
from support.tables import (
    Codelist,
    CodelistValue,
    Table,
    Variable,
    recorded_codelists,
    tab6471_from_recording,
    yreg_table_from_parquet,
)

__all__ = [
    "PROTOCOL_NOTES",
    "AdRequest",
    "AfRequest",
    "AfServer",
    "Codelist",
    "CodelistValue",
    "JobSearchServer",
    "PxWebServer",
    "RequestRecord",
    "ServerConfig",
    "Table",
    "Variable",
    "recorded_codelists",
    "synthetic_ads",
    "tab6471_from_recording",
    "write_synthetic_history",
    "yreg_table_from_parquet",
]
