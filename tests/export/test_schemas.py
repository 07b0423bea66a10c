"""graph.graphml and graph.gexf of the sample build are valid against their XML schemas.

The schemas are vendored in tests/data/schemas (origin and licences in NOTICE.md) and every
URI the schema loader asks for is resolved locally: a test that touches the network fails.
"""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

xmlschema = pytest.importorskip("xmlschema")

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"
GRAPHML_REMOTE = "http://graphml.graphdrawing.org/xmlns/1.0/"
GEXF_REMOTE = "http://gexf.net/1.3/"
NS = {"g": "http://graphml.graphdrawing.org/xmlns", "gexf": "http://gexf.net/1.3",
      "viz": "http://gexf.net/1.3/viz"}


@pytest.fixture
def no_network(monkeypatch):
    """Any socket connection raises, so a schema fetched from the web cannot go unnoticed."""
    def refuse(self, *args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def _load(xsd: Path, remote: str) -> tuple[object, list[str]]:
    """The schema at ``xsd``; its remote locations map to the local folder. Returns (schema, URIs asked)."""
    asked: list[str] = []

    def mapper(uri: str) -> str:
        asked.append(uri)
        if uri.startswith(remote):
            return (xsd.parent / uri[len(remote):]).as_uri()
        return uri

    schema = xmlschema.XMLSchema10(str(xsd), uri_mapper=mapper, allow="local", defuse="always")
    return schema, asked


def _assert_local(asked: list[str]) -> None:
    """Every schema location asked for is a local file, a relative one (resolved against a
    local schema) or one of the official URLs the mapper sends to the local copy."""
    assert asked, "the uri_mapper was not consulted"
    for uri in asked:
        scheme = urlsplit(uri).scheme
        local = scheme in ("", "file") or Path(uri).is_absolute()
        assert local or uri.startswith((GRAPHML_REMOTE, GEXF_REMOTE)), f"schema resource outside the local schemas: {uri}"


def _errors(schema, path: Path) -> list[str]:
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(str(path))][:10]


@pytest.fixture(scope="module")
def graphml_schema():
    return _load(SCHEMAS / "graphml" / "graphml.xsd", GRAPHML_REMOTE)


@pytest.fixture(scope="module")
def gexf_schema():
    return _load(SCHEMAS / "gexf-1.3" / "gexf.xsd", GEXF_REMOTE)


def test_schemas_load_locally(no_network):
    for xsd, remote, namespaces in [
        (SCHEMAS / "graphml" / "graphml.xsd", GRAPHML_REMOTE, {NS["g"], "http://www.w3.org/1999/xlink"}),
        (SCHEMAS / "gexf-1.3" / "gexf.xsd", GEXF_REMOTE, {NS["gexf"], NS["viz"]}),
    ]:
        schema, asked = _load(xsd, remote)
        _assert_local(asked)
        assert namespaces <= set(schema.maps.namespaces)
    # the GraphML schema really names its parts by their official URL, and those were mapped
    _, asked = _load(SCHEMAS / "graphml" / "graphml.xsd", GRAPHML_REMOTE)
    assert GRAPHML_REMOTE + "graphml-structure.xsd" in asked


def test_graphml_is_valid(sample_build, graphml_schema, no_network):
    out, _ = sample_build
    schema, asked = graphml_schema
    assert _errors(schema, out / "graph.graphml") == []
    _assert_local(asked)


def test_gexf_is_valid_1_3(sample_build, gexf_schema, no_network):
    out, _ = sample_build
    schema, asked = gexf_schema
    root = ET.parse(out / "graph.gexf").getroot()
    assert root.tag == f"{{{NS['gexf']}}}gexf" and root.get("version") == "1.3"
    assert _errors(schema, out / "graph.gexf") == []
    _assert_local(asked)


def test_schemas_reject_broken_files(tmp_path, graphml_schema, gexf_schema, no_network):
    """The schemas are not vacuous: typical export mistakes are caught."""
    bad_graphml = tmp_path / "bad.graphml"
    bad_graphml.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="k" for="node" attr.name="label" attr.type="list"/>'
        '<graph edgedefault="directed"><node id="entity:two words"/></graph></graphml>')
    errors = _errors(graphml_schema[0], bad_graphml)
    assert any("attr.type" in e for e in errors) and any("two words" in e for e in errors)
    bad_gexf = tmp_path / "bad.gexf"
    bad_gexf.write_text(
        '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.2">'
        '<graph name=""><nodes><node id="a"><viz:color r="300" g="0" b="0"/></node></nodes>'
        '<edges/></graph></gexf>')
    errors = _errors(gexf_schema[0], bad_gexf)
    assert any("version" in e for e in errors)
    assert any("name" in e for e in errors)
    assert any("300" in e for e in errors)


def test_graphml_keys_scalar_and_labels(sample_build):
    out, _ = sample_build
    root = ET.parse(out / "graph.graphml").getroot()
    keys = root.findall("g:key", NS)
    assert keys
    for k in keys:
        assert k.get("for") in ("node", "edge"), k.attrib
        assert k.get("attr.type") in ("boolean", "int", "long", "float", "double", "string"), k.attrib
    label_keys = {k.get("id") for k in keys if k.get("for") == "node" and k.get("attr.name") == "label"}
    assert len(label_keys) == 1
    nodes = root.findall("g:graph/g:node", NS)
    assert nodes
    for node in nodes:
        labels = [d.text for d in node.findall("g:data", NS) if d.get("key") in label_keys]
        assert labels and labels[0] and labels[0].strip(), node.get("id")


def test_gexf_nodes_have_viz_colour_and_size(sample_build):
    out, result = sample_build
    root = ET.parse(out / "graph.gexf").getroot()
    nodes = root.findall("gexf:graph/gexf:nodes/gexf:node", NS)
    assert len(nodes) == len(result.kg.entities) + len(result.kg.extractions)
    for node in nodes:
        assert node.get("label"), node.get("id")
        color = node.find("viz:color", NS)
        size = node.find("viz:size", NS)
        assert color is not None and size is not None, node.get("id")
        assert all(0 <= int(color.get(c)) <= 255 for c in "rgb"), color.attrib
        assert float(size.get("value")) > 0
