"""`kg trends`: papers per period for each entity, the entities rising and falling fastest,
and charts of them.

:mod:`kg.trends.source` reads a build, :mod:`kg.trends.compute` counts and scores (pure
functions; the score's definition is there), :mod:`kg.trends.render` prints, and
:mod:`kg.trends.charts` and :mod:`kg.trends.page` draw the charts and the ``trends.html`` page.
"""

from __future__ import annotations

from pathlib import Path

from kg.config import TrendsConfig
from kg.trends.compute import NothingToTrend, TrendReport, timeline, trends
from kg.trends.source import BuildData, open_build_data, read_entities, read_links, read_papers

__all__ = ["NothingToTrend", "TrendReport", "analyze", "load"]


def load(build: BuildData, config: TrendsConfig, quiet: bool = True):
    """The build's :class:`kg.trends.compute.Timeline` by ``config.by``."""
    entities = read_entities(build.store, alt_labels=bool(config.entities))
    return timeline(read_papers(build.store, quiet), read_links(build.store, quiet), entities, config.by)


def analyze(path: Path, config: TrendsConfig = TrendsConfig(), quiet: bool = True) -> tuple[BuildData, TrendReport]:
    """Open the build at ``path`` and compute its trends.

    Raises
    ------
    NothingToTrend
        Nothing can be scored (see :func:`kg.trends.compute.trends`).
    KgError
        No build there, or a bad setting.
    """
    build = open_build_data(path)
    return build, trends(load(build, config, quiet), config)


#: What `kg trends` writes into a build folder: the page, and a folder of charts.
PAGE_NAME, CHARTS_DIR = "trends.html", "trends"


def write_outputs(build: BuildData, report: TrendReport, title: str | None = None) -> list[Path]:
    """Write the charts (``trends/TYPE.svg``, ``.png``) and ``trends.html`` into the build.

    In a versioned build folder they go into the version read (under the folder's lock,
    only while it is still the current one), with links at ``OUT/trends.html`` and
    ``OUT/trends``; the next build removes them with that version. Elsewhere (an RDF file's
    folder, a build folder from before versions) they are plain files. Either way the folder
    and the page are each moved into place in one step.

    Raises
    ------
    KgError
        If another build holds the folder, a newer build was published meanwhile, or the
        files cannot be written.
    """
    import contextlib
    import os
    import shutil
    import tempfile

    from kg.atomic import atomic_write, umask
    from kg.errors import KgError
    from kg.lock import locked
    from kg.staging import check_output_name, current_version, link_output, move_into
    from kg.trends.charts import render_charts
    from kg.trends.page import page

    try:
        with contextlib.ExitStack() as stack:
            if build.version is not None:
                stack.enter_context(locked(build.out_dir))
                if current_version(build.out_dir) != build.version:
                    raise KgError("a newer build was published while the trends were computed; run kg trends "
                                  "again", str(build.out_dir))
                for name in (CHARTS_DIR, PAGE_NAME):
                    check_output_name(build.out_dir, name)
            charts = render_charts(report)  # (under the lock: a conflict is found before this work)
            text = page(report, charts, title or f"Trends: {build.out_dir.resolve().name or build.out_dir}")
            tmp = Path(tempfile.mkdtemp(prefix=f".kg-trends-{os.getpid()}-", dir=build.where))
            stack.callback(shutil.rmtree, tmp, ignore_errors=True)
            folder = tmp / CHARTS_DIR
            folder.mkdir()
            folder.chmod(0o777 & ~umask())
            for name, (svg, png) in charts.items():
                with atomic_write(folder / f"{name}.svg", "wb") as f:
                    f.write(svg)
                with atomic_write(folder / f"{name}.png", "wb") as f:
                    f.write(png)
            with atomic_write(tmp / PAGE_NAME) as f:
                f.write(text)
            written = [move_into(folder, tmp, build.where), move_into(tmp / PAGE_NAME, tmp, build.where)]
            if build.version is not None:
                written = [link_output(build.out_dir, p.name) for p in written]
    except OSError as e:
        raise KgError(f"cannot write the trends' charts: {e.strerror or e}",
                      getattr(e, "filename", None) or str(build.out_dir)) from None
    return written
