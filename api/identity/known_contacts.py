"""The contacts table: which company and person a phone number belongs to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.identity.end_users import EndUser, phone_digits
from api.identity.models import CustomerContact
from api.tickets.models import Ticket


def end_user_for_phone(session: Session, phone: str) -> EndUser | None:
    """The known customer behind a phone number Meta verified, or None for an unknown number."""
    contact = _by_phone(session, phone)
    if contact is None:
        return None
    return EndUser(
        name=contact.name, email=contact.email, company_code=contact.company_code, proof="whatsapp",
        country=contact.country, language=contact.language, phone=contact.phone,
    )  # fmt: skip


def save_contact(
    session: Session, phone: str, *, name: str, email: str, company_code: str, country: str | None,
    language: str | None, source: str, now: datetime,
) -> CustomerContact:  # fmt: skip
    """Create or replace the contact of a phone number (admin keys)."""
    digits = phone_digits(phone) or ""
    contact = session.scalar(select(CustomerContact).where(CustomerContact.phone == digits))
    if contact is None:
        contact = CustomerContact(phone=digits, created_at=now)
        session.add(contact)
    contact.name, contact.email, contact.company_code = name, email.lower(), company_code
    contact.country, contact.language, contact.source, contact.updated_at = country, language, source, now
    session.commit()
    return contact


def remember_ticket_contact(session: Session, ticket: Ticket, now: datetime) -> None:
    """A verified ticket's phone becomes a known contact, unless the number is known already.

    Unverified tickets never add one: anyone could claim any company and phone in them.
    """
    digits = phone_digits(ticket.contact_phone)
    if not ticket.verified or digits is None:
        return
    if session.scalar(select(CustomerContact.id).where(CustomerContact.phone == digits)) is not None:
        return
    session.add(
        CustomerContact(
            phone=digits, name=ticket.contact_name, email=ticket.contact_email,
            company_code=ticket.company_code, country=ticket.country, language=ticket.language,
            source="ticket", created_at=now, updated_at=now,
        )
    )  # fmt: skip
    session.commit()


def _by_phone(session: Session, phone: str) -> CustomerContact | None:
    digits = phone_digits(phone)
    return session.scalar(select(CustomerContact).where(CustomerContact.phone == digits)) if digits else None


def list_contacts(
    session: Session, company_code: str | None, page: int, page_size: int
) -> tuple[list[CustomerContact], int]:
    query = select(CustomerContact)
    if company_code:
        query = query.where(CustomerContact.company_code == company_code)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(CustomerContact.id).offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def delete_contact(session: Session, phone: str) -> bool:
    contact = _by_phone(session, phone)
    if contact is None:
        return False
    session.delete(contact)
    session.commit()
    return True
