from __future__ import annotations

from django.core import signing

from earful.core.signing import RespondentRef, sign_respondent_ref, unsign_respondent_ref


def test_a_signed_ref_reads_back_as_the_same_survey_customer_and_invitation():
    value = sign_respondent_ref(survey_id=3, customer_id=41, invitation_id=7)

    assert unsign_respondent_ref(value) == RespondentRef(3, 41, 7)
    assert unsign_respondent_ref(sign_respondent_ref(survey_id=3, customer_id=41)) == (
        RespondentRef(3, 41, None)
    )


def test_a_tampered_ref_is_refused():
    value = sign_respondent_ref(survey_id=3, customer_id=41, invitation_id=7)
    _payload, signature = value.rsplit(":", 1)
    other = sign_respondent_ref(survey_id=3, customer_id=42, invitation_id=7).rsplit(":", 1)[0]

    assert unsign_respondent_ref(f"{other}:{signature}") is None
    assert unsign_respondent_ref(value[:-1] + ("A" if value[-1] != "A" else "B")) is None
    assert unsign_respondent_ref("") is None
    assert unsign_respondent_ref("garbage") is None


def test_a_value_signed_for_another_purpose_is_refused():
    foreign = signing.Signer(salt="another.purpose").sign_object([3, 41, 7])
    default_salt = signing.Signer().sign_object([3, 41, 7])

    assert unsign_respondent_ref(foreign) is None
    assert unsign_respondent_ref(default_salt) is None


def test_a_well_signed_but_malformed_payload_is_refused():
    signer = signing.Signer(salt="earful.respondent-ref")

    assert unsign_respondent_ref(signer.sign_object({"survey": 3})) is None
    assert unsign_respondent_ref(signer.sign_object([3, -1, None])) is None
    assert unsign_respondent_ref(signer.sign_object([3, True, None])) is None
    assert unsign_respondent_ref(signer.sign_object([3, 4, "7"])) is None
