"""The vis-network options of the explorer page (carried by the pyvis ``Network``).

Plain data: imports only :mod:`kg.view.layout` (the layout's seed).
"""

from __future__ import annotations

from kg.view.layout import RANDOM_SEED

__all__ = ["vis_options"]


def vis_options() -> dict:
    """vis-network options; the explorer script turns physics on for small drawings only."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": RANDOM_SEED, "improvedLayout": False},
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -140,
                "centralGravity": 0.05,
                "springLength": 90,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 1.0,
            },
            "stabilization": {"enabled": False},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": True,
            "multiselect": False,
            "keyboard": False,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"enabled": False}},
            "widthConstraint": {"maximum": 170},  # long names wrap instead of running over their neighbours
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "color": {"color": "#b8b8b8", "highlight": "#333333", "hover": "#555555", "inherit": False},
            "font": {"size": 9, "align": "middle", "color": "#666666", "strokeWidth": 2},
            "smooth": False,
            "width": 1,
        },
    }

