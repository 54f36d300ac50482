"""The compression page: compressed or derived models against their parents (compression.csv)."""

from __future__ import annotations

import pandas as pd

from densing_site import charts
from densing_site.formatting import number
from densing_site.render import PageWriter, root_prefix
from densing_site.sitedata import SiteData
from densing_site.tables import rows

PAGE = "compression.md"


def compression_pairs(data: SiteData, root: str) -> pd.DataFrame:
    """Parent and child of each compressed model with both densities, as the chart plots them."""
    points = []
    for row in rows(data.fit.compression):
        child, parent = number(row["density"]), number(row["parent_density"])
        if not child or not parent or child <= 0 or parent <= 0:
            continue
        for role, model, name, params, density in (
            ("parent", row["parent"], row["parent_name"], row["parent_params"], parent),
            ("compressed", row["model"], row["name"], row["params"], child),
        ):
            points.append(
                {
                    "pair": row["model"],
                    "role": role,
                    "name": name,
                    "params": number(params),
                    "density": density,
                    "url": f"{root}models/{model}/",
                }
            )
    return pd.DataFrame(points, columns=["pair", "role", "name", "params", "density", "url"])


def write_compression(writer: PageWriter, data: SiteData) -> None:
    """Write the compression page (with a chart when any pair has both densities)."""
    pairs = compression_pairs(data, root_prefix(PAGE))
    chart = None
    if len(pairs):
        chart = charts.save_chart(
            writer,
            "compression",
            charts.compression_chart(pairs),
            "Density against parameters of compressed models and their parents, each pair joined by a line.",
        )
    writer.render_page(
        PAGE,
        "compression.md.j2",
        title="Compression",
        charts=chart is not None,
        context={"chart": chart, "rows": rows(data.fit.compression)},
    )
