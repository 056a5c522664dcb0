"""The Leaflet elements the ranked map is drawn with: folium/branca element classes and their JavaScript.

Every element renders in a single pass (``SinglePassElement``): its macros' output goes into the page
as final text, never compiled as a template again. The areas' colours and styles, tooltip rows and
labels are decided by the callers in ``map_layers`` (every text they hand over is already escaped);
an element keeps only its own look (the label pills, the hover outline).
"""

from __future__ import annotations

from typing import ClassVar

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import ElementAddToElement, JSCSSMixin
from folium.map import FitBounds
from jinja2 import Template

from selection.output.map_geometry import Shapes


class RenderedText(Element):
    """Text that is already rendered: emitted as is, never compiled as a template again."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RenderedText"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


def _render_single_pass(element: MacroElement, kwargs: dict[str, object]) -> None:
    """Put the element's rendered macros into its figure as final text, then render its children."""
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{type(element).__name__} must be added to a map before it is rendered")
    module = element._template.module
    for part in ("header", "html", "script"):
        macro = getattr(module, part, None)
        if macro is not None:
            getattr(figure, part).add_child(RenderedText(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class SinglePassElement(MacroElement):
    """A MacroElement whose rendered macros are not compiled a second time.

    branca's ``MacroElement.render`` wraps each macro's output in ``Element(output)``, which
    compiles the output as a new Jinja template. That costs a Jinja compile per element on every
    rerun (most of a weight move's map time); for a layer that embeds data, data that looks like
    Jinja (an area named ``{{ ... }}``) would be evaluated on the server or crash the render.
    """

    def render(self, **kwargs: object) -> str:
        """Render into the figure's header, html and script; the element itself adds no text where it sits."""
        _render_single_pass(self, kwargs)
        return ""


class LocalMap(folium.Map):
    """``folium.Map`` rendered in a single pass (see ``SinglePassElement``); the page is the same."""

    def render(self, **kwargs: object) -> str:
        if self.includes:  # class-level Leaflet includes (none here): folium's own path renders them
            super().render(**kwargs)
            return ""
        figure = self.get_root()
        if isinstance(figure, Figure):  # as JSCSSMixin.render: the local Leaflet links
            for name, url in self.default_js:
                figure.header.add_child(JavascriptLink(url), name=name)
            for name, url in self.default_css:
                figure.header.add_child(CssLink(url), name=name)
        _render_single_pass(self, kwargs)
        return ""


class AddToParent(SinglePassElement, ElementAddToElement):
    """folium's ``ElementAddToElement`` ('layer.addTo(parent)'), rendered in a single pass."""


class FitArea(SinglePassElement, FitBounds):
    """folium's ``FitBounds`` (what ``Map.fit_bounds`` adds), rendered in a single pass."""


class MoveGroup(SinglePassElement, folium.FeatureGroup):
    """The FeatureGroup that st_folium replaces on every weight move, rendered in a single pass."""

    def render(self, **kwargs: object) -> str:
        if self.show and self._parent is not None:  # as folium's Layer.render: add the layer to its parent
            self.add_child(
                AddToParent(element_name=self.get_name(), element_parent_name=self._parent.get_name()),
                name=self.get_name() + "_add",
            )
        _render_single_pass(self, kwargs)
        return ""


class PolygonLayer(SinglePassElement):
    """Polygons with per-feature style and tooltip (the import preview's before/after boundaries).

    Each feature's ``properties`` carry ``style`` (Leaflet path options) and ``tooltip`` (HTML
    whose text is already escaped). All data reaches the page through Jinja's ``tojson``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data | tojson }}, {
            style: function (feature) { return feature.properties.style; },
            onEachFeature: function (feature, layer) {
                layer.on("add", function () {  // the preview's shapes are not in the tab order
                    var el = layer.getElement ? layer.getElement() : null;
                    if (el) { el.setAttribute("tabindex", "-1"); el.setAttribute("aria-hidden", "true"); }
                });
                layer.bindTooltip(feature.properties.tooltip, {sticky: true});
                layer.on("mouseover", function () { layer.setStyle({{ this.highlight | tojson }}); });
                layer.on("mouseout", function () { {{ this.get_name() }}.resetStyle(layer); });
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    highlight: ClassVar[dict[str, int | str]] = {"weight": 4, "color": "#000000"}

    def __init__(self, features: list[dict]):
        super().__init__()
        self._name = "PolygonLayer"
        self.data = {"type": "FeatureCollection", "features": features}


class AreaShapes(JSCSSMixin, SinglePassElement):
    """The ranked areas, drawn once per map from their display data file (``map_geometry``).

    Part of the base map, so it never changes with the weights. It defines
    ``window.__rankedAreas.update(move, group)``, which ``RankedStyles`` calls on every weight move:
    it restyles the existing polygons (only those whose style changed), swaps the tooltip values and
    draws the rank labels into ``group`` (the layer st_folium replaces on each move). From
    ``canvas_from`` areas Leaflet draws on one canvas. Small areas get a marker that stays visible
    when zoomed out. Labels are not interactive, so a click on a number reaches the polygon beneath it.
    Every text in the data file and the move is escaped on the server.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.__rankedAreas = (function (map) {
            var data = window.__areaShapes[{{ this.digest | tojson }}], info = data.areas;
            var renderer = info.length >= {{ this.canvas_from }} ? L.canvas({padding: 0.3}) : undefined;
            var layers = [], markers = [], keys = [], styles = [], tips = [], tipLabels = [], icons = [];
            var tooltip = function (i) {
                var cells = "", t = tips[i] || [];
                for (var k = 0; k < t.length; k++) {
                    cells += "<tr><th>" + tipLabels[k] + "</th><td>" + t[k] + "</td></tr>";
                }
                return '<table class="area-tooltip">' + info[i].head + cells + info[i].tail + "</table>";
            };
            info.forEach(function (a, i) {
                if (!a.small) { return; }
                markers[i] = L.circleMarker([a.lat, a.lng], {renderer: renderer, radius: 7, interactive: false,
                    fillColor: "{{ this.unranked }}", fillOpacity: 0.9, color: "#333333", weight: 1.5}).addTo(map);
            });
            // Each ring is an encoded polyline (map_geometry.encoded_shapes): per point the change in
            // latitude and longitude, in units of 10^-decimals degrees, zigzag-coded in 5-bit groups.
            var scale = Math.pow(10, data.decimals);
            var ring = function (text) {
                var points = [], i = 0, n = text.length, lat = 0, lng = 0, b, shift, value;
                while (i < n) {
                    shift = 0; value = 0;
                    do { b = text.charCodeAt(i++) - 63; value |= (b & 31) << shift; shift += 5; } while (b >= 32);
                    lat += (value & 1) ? ~(value >> 1) : (value >> 1);
                    shift = 0; value = 0;
                    do { b = text.charCodeAt(i++) - 63; value |= (b & 31) << shift; shift += 5; } while (b >= 32);
                    lng += (value & 1) ? ~(value >> 1) : (value >> 1);
                    points.push(new L.LatLng(lat / scale, lng / scale));
                }
                return points;
            };
            // Many points: the file also holds a coarse copy, within a pixel up to data.coarseZoom; the
            // map opens with it and switches every area to the full display geometry once zoomed deeper.
            var detailed = !data.coarse || map.getZoom() > data.coarseZoom;
            var latlngs = function (polygons) {
                var parts = polygons.map(function (rings) { return rings.map(ring); });
                return parts.length === 1 ? parts[0] : parts;
            };
            if (!detailed) {
                map.on("zoomend", function detail() {
                    if (map.getZoom() <= data.coarseZoom) { return; }
                    map.off("zoomend", detail);
                    detailed = true;
                    layers.forEach(function (layer, i) { layer.setLatLngs(latlngs(data.shapes[i])); });
                });
            }
            var shapes = L.featureGroup();
            data.shapes.forEach(function (polygons, i) {
                var layer = L.polygon(latlngs(detailed ? polygons : data.coarse[i]),
                                      L.extend({renderer: renderer}, {{ this.initial | tojson }}));
                layers[i] = layer;
                layer.bindTooltip(tooltip(i), {sticky: true});
                layer.on("mouseover", function () {
                    layer.setTooltipContent(tooltip(i));
                    layer.setStyle({{ this.highlight | tojson }});
                });
                layer.on("mouseout", function () { if (styles[i]) { layer.setStyle(styles[i]); } });
                // Keyboard and screen readers: a labelled area is a named button (name and rank, set on
                // every move); Enter or Space selects it as a click does.
                layer.on("add", function () {
                    var el = layer.getElement ? layer.getElement() : null;
                    if (!el) { return; }  // canvas (many areas): the area choice below the map is the way in
                    el.setAttribute("tabindex", "-1");
                    el.addEventListener("focus", function () { layer.setStyle({{ this.highlight | tojson }}); });
                    el.addEventListener("blur", function () { if (styles[i]) { layer.setStyle(styles[i]); } });
                    el.addEventListener("keydown", function (ev) {
                        if (ev.key === "Enter" || ev.key === " ") {
                            ev.preventDefault();
                            layer.fire("click", {latlng: L.latLng(info[i].lat, info[i].lng)});
                        }
                    });
                });
                shapes.addLayer(layer);
            });
            shapes.addTo(map);
            var decoder = document.createElement("textarea");  // names arrive HTML-escaped
            var name_buttons = function (labels) {
                var named = {};
                labels.forEach(function (l) { named[l.i] = l; });
                for (var i = 0; i < layers.length; i++) {
                    var el = layers[i].getElement ? layers[i].getElement() : null;
                    if (!el) { continue; }
                    var l = named[i];
                    if (!l) {  // unlabelled (many areas): left out of the tab order
                        el.setAttribute("tabindex", "-1"); el.removeAttribute("role"); el.removeAttribute("aria-label");
                        el.setAttribute("aria-hidden", "true");
                        continue;
                    }
                    decoder.innerHTML = l.name;
                    el.removeAttribute("aria-hidden");
                    el.setAttribute("tabindex", "0");
                    el.setAttribute("role", "button");
                    el.setAttribute(
                        "aria-label", decoder.value + (l.rank === null ? ", ikke rangeret" : ", nr. " + l.rank)
                    );
                }
            };
            // Labels never pile up and never leave the frame. In rank order (the selected area first) each label
            // takes the first of four places (right of its area, left, above, below), moved inside the map's
            // frame, that overlaps no label placed before it. The top {{ this.top_names }} and the selected area
            // always keep their names (the first place, inside the frame, when none is free); a lower-ranked
            // label without a free place shows its rank only, or nothing (the tooltip still names the area).
            // Recomputed after every move and zoom; the districts' names (orientation) yield to every label.
            var declutter = function () {
                var frame = map.getContainer().getBoundingClientRect();
                var inner = {left: frame.left + 2, top: frame.top + 2,
                             right: frame.right - 2, bottom: frame.bottom - 2};
                var rect = function (el) { var r = el.getBoundingClientRect();
                    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
                var overlaps = function (a, b) {
                    return a.left < b.right + 2 && a.right > b.left - 2 && a.top < b.bottom + 1 && a.bottom > b.top - 1;
                };
                var moved = function (b, left, top) {
                    return {left: left, top: top, right: left + b.right - b.left, bottom: top + b.bottom - b.top};
                };
                var inside = function (b) {  // the box moved the least distance that brings it inside the frame
                    var dx = 0, dy = 0;
                    if (b.right > inner.right) { dx = inner.right - b.right; }
                    if (b.left + dx < inner.left) { dx = inner.left - b.left; }
                    if (b.bottom > inner.bottom) { dy = inner.bottom - b.bottom; }
                    if (b.top + dy < inner.top) { dy = inner.top - b.top; }
                    return moved(b, b.left + dx, b.top + dy);
                };
                // The map's own controls (zoom, scale, credit line) are in the way like labels.
                var kept = Array.prototype.map.call(map.getContainer().querySelectorAll(".leaflet-control"), rect);
                var free = function (b) { return !kept.some(function (k) { return overlaps(b, k); }); };
                var labels = [];
                icons.forEach(function (icon) {
                    var el = icon.marker.getElement();
                    if (!el) { return; }
                    var pill = el.querySelector(".area-label"), name = el.querySelector(".area-name");
                    pill.style.transform = "";
                    pill.style.visibility = "";
                    if (name) { name.style.display = ""; }
                    labels.push({pill: pill, name: name, l: icon.l});
                });
                labels.forEach(function (x) {  // measure everything in one layout pass
                    x.box = rect(x.pill);
                    var badge = x.pill.querySelector(".rank-label");
                    x.badge = badge ? rect(badge) : null;
                });
                var places = function (x, b) {
                    var bounds = layers[x.l.i].getBounds(), w = b.right - b.left, h = b.bottom - b.top;
                    var nw = map.latLngToContainerPoint(bounds.getNorthWest());
                    var se = map.latLngToContainerPoint(bounds.getSouthEast());
                    var west = frame.left + nw.x, north = frame.top + nw.y, south = frame.top + se.y;
                    var middle = frame.left + (nw.x + se.x) / 2;
                    return [b, moved(b, west - 3 - w, b.top), moved(b, middle - w / 2, north - 3 - h),
                            moved(b, middle - w / 2, south + 3)].map(inside);
                };
                var put = function (x, b) {
                    x.pill.style.transform = "translate(" + (b.left - x.box.left) + "px," + (b.top - x.box.top) + "px)";
                    kept.push(b);
                };
                labels.forEach(function (x) {
                    var must = x.l.selected || (x.l.rank !== null && x.l.rank <= {{ this.top_names }});
                    var options = places(x, x.box);
                    var spot = options.filter(free)[0];
                    if (spot) { put(x, spot); return; }
                    if (must) { put(x, options[0]); return; }
                    if (x.name && x.badge) {  // the rank alone (the pill's 1px padding around it), where it fits
                        var alone = {left: x.box.left, top: x.box.top, bottom: x.box.bottom,
                                     right: x.box.left + (x.badge.right - x.box.left) + 2};
                        spot = places(x, alone).filter(free)[0];
                        if (spot) { x.name.style.display = "none"; put(x, spot); return; }
                    }
                    if (x.name) { x.name.style.display = "none"; }  // no name, and no room taken
                    x.pill.style.visibility = "hidden";
                });
                // A district's name: inside its frame's top edge, else its bottom edge or a corner, else just
                // outside the frame; hidden where every place overlaps a label or leaves the map.
                map.getContainer().querySelectorAll(".district-label").forEach(function (el) {
                    el.style.transform = "translate(-50%,3px)";
                    el.style.visibility = "";
                    var b = rect(el), w = b.right - b.left, h = b.bottom - b.top, d = el.dataset;
                    var nw = map.latLngToContainerPoint([Number(d.north), Number(d.west)]);
                    var se = map.latLngToContainerPoint([Number(d.south), Number(d.east)]);
                    var west = frame.left + nw.x, east = frame.left + se.x, north = frame.top + nw.y;
                    var south = frame.top + se.y, middle = (west + east - w) / 2;
                    var spot = [[middle, north + 3], [middle, south - h - 3], [west + 6, north + 3],
                                [east - w - 6, north + 3], [west + 6, south - h - 3], [east - w - 6, south - h - 3],
                                [middle, north - h - 2], [middle, south + 2]].map(function (c) {
                        return moved(b, c[0], c[1]);
                    }).filter(function (c) {
                        return free(c) && c.left >= inner.left && c.right <= inner.right
                            && c.top >= inner.top && c.bottom <= inner.bottom;
                    })[0];
                    if (!spot) { el.style.visibility = "hidden"; return; }
                    el.style.transform = "translate(-50%,3px) translate(" + (spot.left - b.left) + "px,"
                        + (spot.top - b.top) + "px)";
                    kept.push(spot);
                });
            };
            map.on("moveend resize", declutter);
            var update = function (move, group) {
                var keyOf = move.styles.map(function (st) { return JSON.stringify(st); });
                tips = move.tips;
                tipLabels = move.tipLabels;
                for (var i = 0; i < layers.length; i++) {
                    var k = keyOf[move.style[i]];
                    if (keys[i] === k) { continue; }
                    keys[i] = k;
                    styles[i] = move.styles[move.style[i]];
                    layers[i].setStyle(styles[i]);
                    if (markers[i]) {
                        var chosen = styles[i].color === "{{ this.selected_outline }}";
                        markers[i].setStyle({fillColor: styles[i].fillColor, color: chosen ? "#000000" : "#333333",
                                             weight: chosen ? 3 : 1.5});
                    }
                }
                name_buttons(move.labels);
                icons = [];
                move.labels.forEach(function (l) {
                    var a = info[l.i], rank = l.rank === null ? "–" : l.rank;
                    // Beside the area (right of its east edge), so the label never hides a small area.
                    icons.push({l: l, marker: L.marker([a.lat, a.east], {
                        interactive: false,
                        keyboard: false,
                        icon: L.divIcon({
                            className: "rank-icon",
                            iconSize: null,
                            iconAnchor: [-3, 10],
                            html: '<div class="area-label' + (l.selected ? ' selected' : '')
                                + '" style="{{ this.pill_style }}'
                                + (l.selected ? '{{ this.selected_style }}' : '') + '">'
                                + (l.rank === null ? '' : '<span class="rank-label" data-area="' + l.area
                                    + '" style="{{ this.rank_style }}">' + rank + '</span>')
                                + '<span class="area-name" style="{{ this.name_style }}">' + l.name + '</span></div>'
                        })
                    }).addTo(group)});
                });
                group.on("add", function () { setTimeout(declutter, 0); });
                if (group._map) { setTimeout(declutter, 0); }
            };
            return {update: update, layers: layers, shapes: shapes, info: info};
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    pill_style = (
        "display:inline-flex;align-items:center;white-space:nowrap;padding:1px;"
        "border-radius:11px;background:rgba(255,255,255,0.92);color:#111;border:1px solid #555;"
        "font:600 11px/18px sans-serif;box-shadow:0 1px 2px rgba(0,0,0,0.25);"
    )
    selected_style = "background:#111;color:#fff;border-color:#111;"
    rank_style = (
        "display:inline-block;min-width:18px;height:18px;border-radius:9px;background:#fff;color:#111;"
        "border:1.5px solid #111;font:bold 11px/15px sans-serif;text-align:center;box-sizing:border-box;"
    )
    name_style = "padding:0 6px 0 4px;"
    highlight: ClassVar[dict[str, int | str]] = {"weight": 4, "color": "#000000"}

    def __init__(
        self,
        shapes: Shapes,
        n_areas: int,
        *,
        initial: dict,
        unranked: str,
        selected_outline: str,
        canvas_from: int,
        top_names: int = 3,
    ):
        """``initial``: every area's style until the first move; ``unranked``: a small area's marker fill
        until then; ``selected_outline``: the outline colour that marks the selected area (its marker is
        drawn black too); from ``canvas_from`` areas Leaflet draws on one canvas; the ``top_names`` best ranks (and
        the selected area) always show their names."""
        super().__init__()
        self._name = "AreaShapes"
        self.digest = shapes.digest
        self.default_js = [(f"area_shapes_{shapes.digest}", shapes.url)]
        self.canvas_from = canvas_from
        self.initial = initial
        self.unranked = unranked
        self.selected_outline = selected_outline
        self.n_areas = n_areas
        self.top_names = top_names


class DistrictFrames(SinglePassElement):
    """The orientation layer drawn where no background map is: per district a light frame around its areas and its
    name at the frame's top (``map_layers.district_frames``; the name arrives HTML-escaped). Part of the base map,
    beneath the areas, never interactive and never in the tab order; its attribution says what it is. The ranked
    areas' labels hide a district name they would overlap (``AreaShapes``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var group = L.featureGroup([], {attribution: {{ this.attribution | tojson }}});
            {{ this.districts | tojson }}.forEach(function (d) {
                L.polygon(d.rings, L.extend({interactive: false, className: "district-outline"},
                                            {{ this.outline | tojson }})).addTo(group);
                L.marker([d.lat, d.lng], {interactive: false, keyboard: false, icon: L.divIcon({
                    className: "district-icon", iconSize: null, iconAnchor: [0, 0],
                    html: '<div class="district-label" aria-hidden="true" data-north="' + d.lat + '" data-south="'
                        + d.south + '" data-west="' + d.west + '" data-east="' + d.east
                        + '" style="{{ this.label_style }}">' + d.name + "</div>"
                })}).addTo(group);
            });
            group.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    outline: ClassVar[dict[str, object]] = {
        "color": "#8c8c8c",
        "weight": 1,
        "dashArray": "4 3",
        "fillColor": "#ffffff",
        "fillOpacity": 0.55,
    }
    label_style = (
        "transform:translate(-50%,3px);white-space:nowrap;pointer-events:none;color:#555;"
        "font:italic 600 10px/1.2 sans-serif;letter-spacing:0.05em;text-transform:uppercase;"
        "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;"
    )

    def __init__(self, districts: list[dict], attribution: str):
        """``districts``: per district ``name`` (escaped), ``rings`` ([lat, lng] per point), its name's place
        (``lat``, ``lng``: the middle of the frame's top) and the frame's other sides (``south``, ``west``,
        ``east``); ``attribution``: the map's credit
        line for the layer (escaped)."""
        super().__init__()
        self._name = "DistrictFrames"
        self.districts = districts
        self.attribution = attribution


class RankedStyles(SinglePassElement):
    """One weight move for ``AreaShapes``: styles, tooltip values and labels, no coordinates."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.__rankedAreas) {
            window.__rankedAreas.update({{ this.payload | tojson }}, {{ this._parent.get_name() }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict):
        super().__init__()
        self._name = "RankedStyles"
        self.payload = payload


class MetricScale(SinglePassElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class DanishControls(SinglePassElement):
    """Leaflet's zoom buttons, map container and credit link with Danish accessible names."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.zoom({zoomInTitle: "Zoom ind", zoomOutTitle: "Zoom ud"}).addTo({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.getContainer().setAttribute("aria-label",
            "Kort over områderne. Piletasterne flytter kortet, plus og minus zoomer, Tab går til områderne.");
        {{ this._parent.get_name() }}.attributionControl.setPrefix(
            '<a href="https://leafletjs.com" title="Kortbiblioteket Leaflet">Leaflet</a>');
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "DanishControls"
