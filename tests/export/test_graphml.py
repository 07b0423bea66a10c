"""GraphML and GEXF read back with networkx, scalar attributes only, for Gephi."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest


@pytest.mark.parametrize("name,reader", [("graph.graphml", nx.read_graphml), ("graph.gexf", nx.read_gexf)])
def test_reads_back_with_scalar_attributes(sample_build, name, reader):
    out, result = sample_build
    g = reader(out / name)
    kg = result.kg
    assert g.number_of_nodes() == len(kg.entities) + len(kg.extractions)
    for _, data in g.nodes(data=True):
        assert data.get("label"), "every node has a label"
        for k, v in data.items():
            assert v is not None and not isinstance(v, (list, dict, tuple, set)) or k == "viz", (k, v)
    for _, _, data in g.edges(data=True):
        for v in data.values():
            assert v is not None and not isinstance(v, (list, dict, tuple, set))


def test_graphml_keys_are_declared_for_nodes_or_edges(sample_build):
    out, _ = sample_build
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(out / "graph.graphml").getroot()
    keys = root.findall("g:key", ns)
    assert keys and all(k.get("for") in ("node", "edge") for k in keys)
    assert all(k.get("attr.type") in ("string", "int", "long", "float", "double", "boolean") for k in keys)
    names = {(k.get("for"), k.get("attr.name")) for k in keys}
    assert {("node", "label"), ("node", "r"), ("node", "g"), ("node", "b"), ("node", "size"), ("edge", "weight")} <= names


def test_types_are_coloured(sample_build):
    out, _ = sample_build
    g = nx.read_gexf(out / "graph.gexf")
    colours = {d["type"]: (d["viz"]["color"]["r"], d["viz"]["color"]["g"], d["viz"]["color"]["b"])
               for _, d in g.nodes(data=True)}
    assert len(set(colours.values())) == len(colours) >= 5
