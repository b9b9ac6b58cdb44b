from territory.services import locate


def test_home_page_in_french(client, paris):
    response = client.get("/")
    assert response.status_code == 200
    assert "Faire un signalement" in response.content.decode()


def test_hotel_de_ville_is_in_paris_centre(paris):
    answer = locate(48.8566, 2.3522)
    assert answer["arrondissement"]["number"] == 4
    assert answer["sector"]["name"] == "Paris Centre"
