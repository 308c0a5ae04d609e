"""``datacity i18n``: the federation's own translations (status, init, update, compile)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from datacity_federation._cli.lang import checked_tags

__all__ = ["register"]

i18n_app = typer.Typer(
    name="i18n",
    help="Translations: which words each language has, and the federation's own catalogues.",
    no_args_is_help=True,
)

CitiesOption = Annotated[
    Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
]


def _folder(cities_dir: Path | None) -> Path:
    from datacity_federation._services.cities import find_cities_dir
    from datacity_federation._services.i18n import locale_folder

    return locale_folder(find_cities_dir(cities_dir))


@i18n_app.command("status")
def i18n_status(
    languages: Annotated[
        list[str] | None,
        typer.Argument(
            help="Locales to report (default: every catalogue present).", show_default=False
        ),
    ] = None,
    cities_dir: CitiesOption = None,
    missing: Annotated[
        bool, typer.Option("--missing", help="List the message ids still in English.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a language reported is incomplete.")
    ] = False,
) -> None:
    """Per language: messages translated, missing (shown in English) and fuzzy, and from where."""
    from datacity_federation._cli.lang import catalogs
    from datacity_federation._services.i18n import language_status

    books = catalogs(cities_dir, False)
    rows = language_status(catalogs=books, languages=tuple(checked_tags(languages or (), "LANG")))
    width = max((len(r.lang) for r in rows), default=4)
    incomplete = 0
    for row in rows:
        sources = ", ".join(str(p) for p in row.files) or "no catalogue"
        typer.echo(
            f"{row.lang.ljust(width)}  {row.translated}/{row.total} translated, "
            f"{len(row.missing)} missing, {len(row.fuzzy)} fuzzy, {len(row.invalid)} invalid"
            f"  ({sources})"
        )
        incomplete += not row.complete or bool(row.invalid)
        if missing or (languages and len(languages) == 1):
            for msgid in row.missing:
                typer.echo(f"    missing: {msgid!r}")
            for msgid in row.fuzzy:
                typer.echo(f"    fuzzy: {msgid!r}")
        for bad in row.invalid:
            typer.echo(f"    invalid: {bad}")
    if check and incomplete:
        raise typer.Exit(1)


@i18n_app.command("init")
def i18n_init(
    lang: Annotated[str, typer.Argument(help="The locale to start, pt-BR or pt_BR.")],
    cities_dir: CitiesOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing catalogue of the federation.")
    ] = False,
) -> None:
    """Start LANG's catalogue in the federation's locale folder, from the shipped template (with
    the shipped translations of LANG, if any, to correct or complete)."""
    from datacity_federation._services.i18n import init_catalog

    [tag] = checked_tags([lang], "LANG")
    made = init_catalog(folder=_folder(cities_dir), lang=tag, force=force)
    typer.echo(f"wrote {made.path}: {made.untranslated} messages to translate")


@i18n_app.command("update")
def i18n_update(cities_dir: CitiesOption = None) -> None:
    """Bring the federation's catalogues up to the installed version's messages (new ones added,
    changed ones marked fuzzy), after upgrading datacity_federation."""
    from datacity_federation._services.i18n import update_catalogs

    done = update_catalogs(folder=_folder(cities_dir))
    for made in done:
        typer.echo(f"updated {made.path}: {made.untranslated} messages to translate")
    if not done:
        typer.echo(
            f"no catalogue in {_folder(cities_dir)} (start one with 'datacity i18n init LANG')"
        )


@i18n_app.command("compile")
def i18n_compile(cities_dir: CitiesOption = None) -> None:
    """Compile the federation's catalogues to .mo (optional: .po files are read directly)."""
    from datacity_federation._services.i18n import compile_catalogs

    for path in compile_catalogs(folder=_folder(cities_dir)):
        typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(i18n_app)
