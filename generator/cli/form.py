"""``rijk form`` (start the web form) and ``rijk users`` (manage its accounts).

FastAPI and uvicorn are imported inside ``form`` only, so ``rijk users add`` stays quick.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from generator.form.settings import FormSettings
from generator.form.users import ROLES, UserError, UserStore
from generator.project import Project

PROJECT = click.option("--project", "root", type=click.Path(path_type=Path, file_okay=False),
                       default=None, help="Projectmap (standaard: de map met mkdocs.yml).")
USERS_FILE = click.option("--users-file", type=click.Path(path_type=Path, dir_okay=False),
                          default=None, help="Gebruikersbestand (standaard: .rijk/users.yml).")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adres om op te luisteren (standaard alleen deze computer).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--secure-cookies/--no-secure-cookies", default=False, show_default=True,
              help="Cookies alleen via HTTPS (zet aan achter een HTTPS-proxy).")
@click.option("--behind-proxy", is_flag=True,
              help="De server staat achter een proxy: tel reacties per bewoner via de "
                   "X-Forwarded-For-kop van de proxy, niet per proxy-adres.")
@click.option("--rebuild/--no-rebuild", default=True, show_default=True,
              help="Bouw de site opnieuw na elke publicatie.")
@click.option("--privacy/--no-privacy", default=True, show_default=True,
              help="Laad de privacycheck (deduce) bij de start.")
@click.option("--site-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Waar de gebouwde site komt (standaard: site/).")
@click.option("--site-url", default=None, help="Adres van de publieke site, voor de links.")
@USERS_FILE
@PROJECT
def form(host: str, port: int, secure_cookies: bool, behind_proxy: bool, rebuild: bool,
         privacy: bool,
         site_dir: Path | None, site_url: str | None, users_file: Path | None,
         root: Path | None) -> None:
    """Start het webformulier: professionals schrijven, coördinatoren publiceren, git onthoudt."""
    import uvicorn

    from generator.form.app import create_app

    project = Project.find(root)
    if not _is_loopback(host) and not secure_cookies:
        click.echo("Let op: de server luistert niet alleen op deze computer en cookies gaan "
                   "ook zonder HTTPS over het netwerk. Zet er een HTTPS-proxy voor en gebruik "
                   "--secure-cookies.", err=True)
    settings = FormSettings(users_file=users_file, secure_cookies=secure_cookies,
                            behind_proxy=behind_proxy, rebuild=rebuild, privacy=privacy,
                            site_dir=site_dir,
                            site_url=site_url)
    users = UserStore(settings.resolved_users_file(project.root))
    if not users.all():
        click.echo("Er zijn nog geen gebruikers. Maak er een met: rijk users add NAAM --role "
                   "coordinator", err=True)
    try:
        app = create_app(project.root, settings)
    except Exception as exc:  # not a git repository, broken taxonomy, …
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Webformulier op http://{host}:{port}/ (Ctrl-C stopt).")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


@click.group()
def users() -> None:
    """Beheer de accounts van het webformulier (professionals en coördinatoren)."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="De rol.")
@click.option("--team", default="", help="Het team, bijvoorbeeld 'Buurtteam Gaasperdam'.")
@click.option("--name", prompt="Volledige naam (wordt de auteur van verhalen)",
              help="Weergavenaam: wordt 'author' in verhalen en de auteur van commits.")
@click.option("--email", prompt="E-mailadres (voor git)", help="E-mailadres voor git-commits.")
@click.option("--password", prompt="Wachtwoord", hide_input=True, confirmation_prompt=True,
              help="Wachtwoord (minstens 8 tekens); zonder deze optie wordt erom gevraagd.")
@USERS_FILE
@PROJECT
def add(username: str, role: str, team: str, name: str, email: str, password: str,
        users_file: Path | None, root: Path | None) -> None:
    """Voeg een gebruiker toe (het wachtwoord wordt met argon2 gehasht opgeslagen)."""
    store = _store(users_file, root)
    try:
        user = store.add(username, name=name, email=email, role=role, team=team,
                         password=password)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Gebruiker '{user.username}' ({user.role_label}) toegevoegd aan {store.path}.")


@users.command("list")
@USERS_FILE
@PROJECT
def list_users(users_file: Path | None, root: Path | None) -> None:
    """Toon alle gebruikers (zonder wachtwoorden)."""
    store = _store(users_file, root)
    try:
        everyone = store.all()
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    if not everyone:
        click.echo("Nog geen gebruikers.")
    for user in everyone.values():
        click.echo(f"{user.username}\t{user.role_label}\t{user.name} <{user.email}>\t{user.team}")


@users.command("passwd")
@click.argument("username")
@click.option("--password", prompt="Nieuw wachtwoord", hide_input=True, confirmation_prompt=True)
@USERS_FILE
@PROJECT
def passwd(username: str, password: str, users_file: Path | None, root: Path | None) -> None:
    """Stel een nieuw wachtwoord in."""
    try:
        _store(users_file, root).set_password(username, password)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wachtwoord van '{username}' gewijzigd.")


@users.command("remove")
@click.argument("username")
@USERS_FILE
@PROJECT
def remove(username: str, users_file: Path | None, root: Path | None) -> None:
    """Verwijder een gebruiker (lopende sessies stoppen bij het volgende verzoek)."""
    try:
        _store(users_file, root).remove(username)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Gebruiker '{username}' verwijderd.")


def _store(users_file: Path | None, root: Path | None) -> UserStore:
    project = Project.find(root)
    return UserStore(FormSettings(users_file=users_file).resolved_users_file(project.root))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
