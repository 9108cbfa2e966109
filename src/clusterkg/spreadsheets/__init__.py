"""Spreadsheet import: a workbook (.xlsx) or a CSV file → sourced statement groups in TriG.

- `cells`: reading cells with their locations (merged cells, formulas, CSV dialects);
- `cell_values`: dates, web addresses, lists, as the shapes accept them;
- `mappings`: the built-in mappings (clusters, members, awards, people); `mapping_file`: a
  declarative TOML mapping for other sheets;
- `resolution`: names → IRIs, against the graph and the workbook's own new things;
- `records`, `statements`, `trig`: rows → statements → TriG, one statement group per row;
- `importer`: the whole workbook, every problem gathered; `context`: the result validated with
  the graph it joins; `template`: an empty workbook to fill in.
"""

from clusterkg.spreadsheets.importer import Imported, import_workbook
from clusterkg.spreadsheets.mappings import MAPPINGS
from clusterkg.vocabulary import CKID

KINDS = tuple(MAPPINGS)
# New things' IRIs outside a workspace and without --base: the project's own.
DEFAULT_BASE = CKID

__all__ = ["DEFAULT_BASE", "KINDS", "MAPPINGS", "Imported", "import_workbook"]
