"""Argument helpers shared by the ``cunwu`` sub-command parsers."""

from __future__ import annotations

import argparse


def actor_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="actor", default="admin", metavar="USER",
                   help="who is doing this (default: admin)")


def region_filter(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--township", help="12-digit township code")
    where.add_argument("--village", help="12-digit village code")


def json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


Subparsers = argparse._SubParsersAction


def command_group(sub: Subparsers, name: str, help: str) -> Subparsers:
    """A command whose actions are sub-commands (``cunwu notice publish``)."""
    return sub.add_parser(name, help=help).add_subparsers(
        dest="action", required=True, metavar="ACTION")

