"""``scenescore corpus ...`` in-process, against the fake site."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from corpus_site import RECOVERABLE, plain_films
from typer.testing import CliRunner

from scenescore.cli import app
from scenescore.corpus import read_manifest
from scenescore.errors import InputError
from support.fakesite import FakeFilm

runner = CliRunner()


def _site_args(site) -> list[str]:
    return ["--base-url", site.base_url, "--rate", "0", "--retries", "0", "--timeout", "2"]


def test_crawl_list_fetch_verify(make_site, tmp_path):
    site = make_site(plain_films(4) + [RECOVERABLE["Café Noir"]])
    corpus = str(tmp_path / "c")
    result = runner.invoke(app, ["corpus", "crawl", "--corpus", corpus, "--limit", "3", "--quiet",
                                 *_site_args(site)])
    assert result.exit_code == 0, result.output
    assert "3 films (3 ok)" in result.output
    assert len(read_manifest(corpus)) == 3

    result = runner.invoke(app, ["corpus", "fetch", "HARBOUR story 003", "--corpus", corpus,
                                 *_site_args(site)])
    assert result.exit_code == 0, result.output
    assert "harbour-story-003/script.txt" in result.output

    out = tmp_path / "films.csv"
    result = runner.invoke(app, ["corpus", "list", "--corpus", corpus, "--output", str(out),
                                 *_site_args(site)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 5 and table.status.notna().sum() == 4

    result = runner.invoke(app, ["corpus", "list", "--corpus", corpus, "--genre", "horror",
                                 *_site_args(site)])
    assert result.exit_code == 0 and "Harbour Story 001" in result.output
    assert "Harbour Story 000" not in result.output

    result = runner.invoke(app, ["corpus", "verify", "--corpus", corpus])
    assert result.exit_code == 0 and "no problems" in result.output


def test_corpus_folder_from_the_environment(make_site, tmp_path):
    site = make_site(plain_films(1))
    result = runner.invoke(app, ["corpus", "crawl", "--quiet", *_site_args(site)],
                           env={"SCENESCORE_CORPUS": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "films" / "harbour-story-000" / "script.txt").exists()


def test_failed_films_exit_2_and_are_listed(make_site, tmp_path):
    site = make_site(plain_films(2) + [FakeFilm("Always Down", broken={"script": "503"})])
    result = runner.invoke(app, ["corpus", "crawl", "--corpus", str(tmp_path), "--quiet",
                                 *_site_args(site)])
    assert result.exit_code == 2
    assert "failed Always Down: HTTP 503" in result.output
    assert "1 films failed; run the crawl again" in result.output


def test_unknown_title_and_film_without_script_are_errors(make_site, tmp_path):
    site = make_site(plain_films(2) + [FakeFilm("Paper Only", kind="pdf")])
    result = runner.invoke(app, ["corpus", "fetch", "Nope", "--corpus", str(tmp_path), *_site_args(site)])
    assert result.exit_code == 1 and isinstance(result.exception, InputError)
    result = runner.invoke(app, ["corpus", "fetch", "Paper Only", "--corpus", str(tmp_path),
                                 *_site_args(site)])
    assert result.exit_code == 1 and "pdf_only" in str(result.exception)
    assert read_manifest(tmp_path).status.tolist() == ["pdf_only"]


def test_cli_import_stays_light():
    code = ("import sys, scenescore.cli; "
            "print(sorted(m for m in ('requests', 'urllib3', 'pandas', 'rich.progress') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_corpus_command_reads_the_corpus_table(make_site, tmp_path):
    """crawl, fetch, list and verify take the site, the folder and the politeness from the
    profile's [corpus] table when no flag says otherwise."""
    site = make_site(plain_films(3))
    corpus = tmp_path / "from-profile"
    profile = tmp_path / "profile.toml"
    profile.write_text(f'[corpus]\nbase_url = "{site.base_url}"\ncorpus_dir = "{corpus.as_posix()}"\n'
                       "rate_limit = 0.0\nretries = 0\nread_timeout_s = 2.0\n", encoding="utf-8")
    config = ["--config", str(profile), "corpus"]
    result = runner.invoke(app, [*config, "crawl", "--limit", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(read_manifest(corpus)) == 1
    result = runner.invoke(app, [*config, "fetch", "Harbour Story 002"])
    assert result.exit_code == 0, result.output
    assert (corpus / "films" / "harbour-story-002" / "script.txt").exists()
    out = tmp_path / "films.csv"
    result = runner.invoke(app, [*config, "list", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out).status.notna().sum() == 2
    result = runner.invoke(app, [*config, "verify"])
    assert result.exit_code == 0 and f"{corpus}: no problems" in result.output.replace("\n", "")
