"""Test support: a local, protocol-faithful PxWebApi 2 server and the tables it serves.

Not used by the product at run time; tests and benchmarks start `PxWebServer` on loopback.
"""

from kompetens_forecast.testing.pxweb_server import (
    PROTOCOL_NOTES,
    PxWebServer,
    RequestRecord,
    ServerConfig,
)
from kompetens_forecast.testing.tables import (
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
    "Codelist",
    "CodelistValue",
    "PxWebServer",
    "RequestRecord",
    "ServerConfig",
    "Table",
    "Variable",
    "recorded_codelists",
    "tab6471_from_recording",
    "yreg_table_from_parquet",
]
