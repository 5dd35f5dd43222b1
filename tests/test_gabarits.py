"""Les modèles HTML jinja2 des sorties : livrés avec le paquet, échappement automatique."""

from __future__ import annotations

import jinja2
import pytest

from clusterlib.sorties.gabarits import html_sur, rendre


def test_image_echappe_la_description_et_garde_le_fragment() -> None:
    page = rendre("image.html.j2", ident="figure-carte", base64="QUJD", largeur=640,
                  description='<script>alert("x")</script> & l\'eau')
    assert "<script>" not in page
    assert 'alt="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; l&#39;eau"' in page
    assert page.startswith('<span id="figure-carte-retour"></span>') and page.endswith("</figure>")
    assert 'src="data:image/png;base64,QUJD" ' in page and 'width="640"' in page


def test_index_echappe_les_textes_saisis_mais_pas_la_carte() -> None:
    page = rendre("index_rapports.html.j2", bilan="1 rapport <produit>", fichiers=[{"lien": "a.csv", "nature": "b"}],
                  lignes=[{"ident": 'x"y', "nom": "<b>Riz</b>", "pdf": True, "cases": ["2025", "<i>"]}],
                  problemes=[{"chemin": "c<d", "etat": "échec", "messages": ["m1 & m2", "<m3>"]}],
                  carte=html_sur("<div class='carte'></div>"))
    assert "<b>Riz</b>" not in page and "&lt;b&gt;Riz&lt;/b&gt;" in page
    assert 'href="x&#34;y/rapport.pdf"' in page and "<td>&lt;i&gt;</td>" in page
    assert "<li><strong>c&lt;d</strong> (échec) : m1 &amp; m2 ; &lt;m3&gt;</li>" in page
    assert "<div class='carte'></div>" in page and "1 rapport &lt;produit&gt;." in page


def test_modele_absent_ou_valeur_oubliee() -> None:
    with pytest.raises(jinja2.TemplateNotFound):
        rendre("absent.html.j2")
    with pytest.raises(jinja2.UndefinedError):
        rendre("image.html.j2", ident="a")
