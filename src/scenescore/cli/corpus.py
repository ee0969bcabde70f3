"""``scenescore corpus``: list, fetch and crawl IMSDB into a local corpus store.

A thin layer over :mod:`scenescore.corpus`: each command builds a
:class:`~scenescore.corpus.options.CrawlOptions` and calls one library function. Imports of
requests, pandas and rich happen inside the commands, so ``scenescore --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scenescore.cli.common import stage_options
from scenescore.corpus.options import CrawlOptions

corpus_app = typer.Typer(
    help="Build a local corpus of screenplays from IMSDB (politely: robots.txt, ~1 request/s).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_DEFAULT = CrawlOptions()

# Flags default to None ("not given"): the options then keep CrawlOptions' defaults.
CorpusOption = Annotated[Path | None, typer.Option(
    "--corpus", envvar="SCENESCORE_CORPUS",
    help="Corpus folder (default: scenescore/corpus in the user data directory).")]
BaseUrlOption = Annotated[str | None, typer.Option(
    "--base-url", help=f"Site root: IMSDB, a mirror or a test server (default: {_DEFAULT.base_url}).")]
RateOption = Annotated[float | None, typer.Option(
    "--rate", min=0.0,
    help=f"Requests per second over all workers, 0 for no limit (default: {_DEFAULT.rate_limit:g}).")]
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", min=1, help=f"Films fetched in parallel (default: {_DEFAULT.workers}).")]
TimeoutOption = Annotated[float | None, typer.Option(
    "--timeout", min=0.1,
    help=f"Seconds to wait for a server's next bytes (default: {_DEFAULT.read_timeout_s:g}).")]
RetriesOption = Annotated[int | None, typer.Option(
    "--retries", min=0,
    help=f"Retries of a request on timeouts, 429 and 5xx (default: {_DEFAULT.retries}).")]
UserAgentOption = Annotated[str | None, typer.Option(
    "--user-agent", help="User-Agent header (default: scenescore/<version> ...).")]
IgnoreRobotsOption = Annotated[bool, typer.Option(
    "--ignore-robots", help="Do not read robots.txt (only for a mirror you run yourself).")]
GenreOption = Annotated[str | None, typer.Option("--genre", help="Only films of this IMSDB genre.")]


def _options(ctx: typer.Context, *, corpus: Path | None = None, base_url: str | None = None,
             rate: float | None = None, workers: int | None = None, timeout: float | None = None,
             retries: int | None = None, user_agent: str | None = None,
             ignore_robots: bool = False) -> CrawlOptions:
    """The profile's ``[corpus]`` options under the flags given."""
    return stage_options(ctx, "corpus", corpus_dir=str(corpus) if corpus is not None else None,
                         base_url=base_url, rate_limit=rate, workers=workers,
                         read_timeout_s=timeout, retries=retries, user_agent=user_agent,
                         respect_robots=False if ignore_robots else None)


def _corpus_dir(options: CrawlOptions) -> Path:
    from scenescore.corpus.store import default_corpus_dir

    return Path(options.corpus_dir) if options.corpus_dir else default_corpus_dir()


@corpus_app.command("list")
def list_command(
    ctx: typer.Context,
    genre: GenreOption = None,
    genres: Annotated[bool, typer.Option(
        "--genres", help="Read every genre page to fill the genres column (one request each).")] = False,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the table: .csv, .parquet, .json or .jsonl.")] = None,
    corpus: CorpusOption = None,
    base_url: BaseUrlOption = None,
    rate: RateOption = None,
    timeout: TimeoutOption = None,
    retries: RetriesOption = None,
    user_agent: UserAgentOption = None,
    ignore_robots: IgnoreRobotsOption = False,
) -> None:
    """List IMSDB's scripts: title, movie page, script page, genres, writers, date."""
    from rich.console import Console

    from scenescore.corpus.crawler import films_frame, list_films

    options = _options(ctx, corpus=corpus, base_url=base_url, rate=rate, timeout=timeout,
                       retries=retries, user_agent=user_agent, ignore_robots=ignore_robots)
    folder = _corpus_dir(options)
    films = list_films(options=options, genre=genre, with_genres=genres, corpus=folder)
    frame = films_frame(films, corpus=folder)
    err = Console(stderr=True)
    if output is not None:
        from scenescore.io import write_table

        write_table(frame, output, nested=frozenset({"genres", "writers"}))
        err.print(f"wrote {len(frame)} films to {output}")
        return
    from rich.table import Table

    table = Table("title", "date", "writers", "genres", "in corpus", header_style="bold", box=None)
    for row in frame.itertuples(index=False):
        table.add_row(row.title, row.script_date or "", ", ".join(row.writers)[:40],
                      ", ".join(row.genres), row.status or "")
    Console().print(table)
    err.print(f"{len(frame)} films")


@corpus_app.command("fetch")
def fetch_command(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A title as IMSDB lists it, or a movie-page or "
                                               "script-page URL.")],
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Ask the site again even if the film is in the corpus.")] = False,
    corpus: CorpusOption = None,
    base_url: BaseUrlOption = None,
    rate: RateOption = None,
    timeout: TimeoutOption = None,
    retries: RetriesOption = None,
    user_agent: UserAgentOption = None,
    ignore_robots: IgnoreRobotsOption = False,
) -> None:
    """Fetch one film into the corpus (exit 1 when it has no script or could not be had)."""
    from scenescore.corpus.crawler import fetch_film
    from scenescore.errors import ScenescoreError

    options = _options(ctx, corpus=corpus, base_url=base_url, rate=rate, timeout=timeout,
                       retries=retries, user_agent=user_agent, ignore_robots=ignore_robots)
    folder = _corpus_dir(options)
    record = fetch_film(target, corpus=folder, options=options, refresh=refresh)
    where = folder / "films" / record.slug
    if record.status != "ok":
        raise ScenescoreError(f"{record.title}: {record.status}: {record.error} "
                              f"(recorded in {folder / 'manifest.jsonl'})")
    typer.echo(f"{record.title}: {record.bytes:,} bytes, text in {where / 'script.txt'}")


@corpus_app.command("crawl")
def crawl_command(
    ctx: typer.Context,
    genre: GenreOption = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=0, help="Only the first N films of the listing.")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only scripts dated on or after YYYY[-MM[-DD]].")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Revalidate finished films too (conditional requests).")] = False,
    corpus: CorpusOption = None,
    base_url: BaseUrlOption = None,
    rate: RateOption = None,
    workers: WorkersOption = None,
    timeout: TimeoutOption = None,
    retries: RetriesOption = None,
    user_agent: UserAgentOption = None,
    ignore_robots: IgnoreRobotsOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Fetch many films; resumable (rerun to continue or retry). Exit 2 if some failed."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from scenescore.corpus.crawler import crawl

    options = _options(ctx, corpus=corpus, base_url=base_url, rate=rate, workers=workers,
                       timeout=timeout, retries=retries, user_agent=user_agent,
                       ignore_robots=ignore_robots)
    folder = _corpus_dir(options)
    err = Console(stderr=True)
    with Progress(TextColumn("{task.description:<32.32}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, disable=quiet, transient=False) as bar:
        task = bar.add_task("reading the index", total=None)

        def progress(event) -> None:  # noqa: ANN001 - CrawlProgress, imported lazily
            bar.update(task, total=event.total, completed=event.done, description=event.title)

        report = crawl(corpus=folder, options=options, genre=genre, limit=limit, since=since,
                       refresh=refresh, progress=progress)
        bar.update(task, description="done")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items()))
    err.print(f"{report.selected} films ({counts or 'none'}): {report.fetched} fetched, "
              f"{report.unchanged} unchanged, {report.skipped} already in the corpus; "
              f"{report.requests} requests in {report.elapsed_s:.1f} s -> {folder}")
    if report.failed:
        from rich.markup import escape

        for title, reason in report.failed[:20]:
            err.print(f"[red]failed[/] {escape(title)}: {escape(reason)}", highlight=False)
        if len(report.failed) > 20:
            err.print(f"... and {len(report.failed) - 20} more (see the manifest)")
        err.print(f"{len(report.failed)} films failed; run the crawl again to retry them")
        raise typer.Exit(code=2)


@corpus_app.command("verify")
def verify_command(ctx: typer.Context, corpus: CorpusOption = None) -> None:
    """Check every stored film against its record (sha256, size, extracted text)."""
    from scenescore.corpus.crawler import verify_corpus

    folder = _corpus_dir(_options(ctx, corpus=corpus))
    problems = verify_corpus(folder)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(code=1)
    typer.echo(f"{folder}: no problems")


def register(app: typer.Typer) -> None:
    """Add the ``corpus`` group to the main app."""
    app.add_typer(corpus_app, name="corpus")
