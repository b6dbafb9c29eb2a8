"""The Spanish catalog: the same keys and ``{placeholders}`` as :mod:`bot.policy.catalog.en`.

Usted throughout; the consumer disclosure is the Spanish model wording (CFPB, Regulation F)
and every automated SMS ends with the SPEC §14 sentence.
"""

from __future__ import annotations

MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")

TEXTS = {
    # --- disclosure and framing (SPEC §5 Disclosure, §14) --------------------------------
    "disclosure": (
        "{company}: Esta comunicación es de un cobrador de deudas. Es un intento de cobrar "
        "una deuda y cualquier información obtenida será utilizada para ese propósito."
    ),
    "sms_stop_line": "Responda PARAR para no recibir más mensajes.",
    "telegram_stop_line": "Envíe /stop para no recibir más mensajes.",
    "company_prefix": "{company}: {body}",
    # --- carrier keywords (SPEC §5 Opt-out, §14) ----------------------------------------
    "sms_stop": (
        "{company}: se ha dado de baja y no recibirá más mensajes automáticos aquí. "
        "Responda START para volver a suscribirse."
    ),
    "sms_start": (
        "{company}: se ha vuelto a suscribir a los mensajes sobre su cuenta. Responda AYUDA "
        "para obtener ayuda, PARAR para darse de baja. Pueden aplicarse tarifas de mensajes "
        "y datos."
    ),
    "sms_help": (
        "{company}, asistente de cuentas por cobrar: pregunte cuánto debe, prometa un pago, "
        "acuerde un plan o hable con una persona. {contact}Responda PARAR para darse de "
        "baja. Pueden aplicarse tarifas de mensajes y datos."
    ),
    "telegram_stop": (
        "{company}: no recibirá más mensajes automáticos en este chat. Envíe /start para "
        "volver a activarlos."
    ),
    "telegram_start": (
        "{company}: los mensajes automáticos sobre su cuenta están activados de nuevo en "
        "este chat. Envíe /stop para desactivarlos."
    ),
    "telegram_help": (
        "{company}, asistente de cuentas por cobrar: pregunte cuánto debe, prometa un pago, "
        "acuerde un plan o hable con una persona. {contact}Envíe /stop para desactivar los "
        "mensajes automáticos."
    ),
    "help_contact": "Preguntas: {contact}. ",
    # --- the gateway ---------------------------------------------------------------------
    "trouble": (
        "Lo sentimos, tenemos problemas en este momento. Inténtelo de nuevo en unos minutos."
    ),
    "text_only": "Lo siento, solo puedo leer mensajes de texto. Escriba su pregunta, por favor.",
    "switched": "De acuerdo, desde ahora le escribiré en español. ¿En qué le puedo ayudar?",
    # --- verification locks --------------------------------------------------------------
    "locked": (
        "Por su seguridad, la verificación está bloqueada tras demasiados intentos. Una "
        "persona de nuestro equipo se comunicará con usted aquí en un día hábil."
    ),
    "account_locked": (
        "Por su seguridad, la verificación de esa cuenta está bloqueada tras demasiados "
        "intentos. Para hablar con una persona, responda AGENTE."
    ),
    "locked_contact": " También puede comunicarse con nosotros en {contact}.",
    # --- reminders -----------------------------------------------------------------------
    "no_link": "Responda aquí para pagar o hacer una pregunta.",
    "pay_at": "Pague en {link} o responda aquí.",
    "charges_ref": " (incluye {amount} de cargos financieros)",
    "invoice_ref": " (factura {invoice})",
    "day": "{day} {month}",
    "day_year": "{day} {month} {year}",
    # --- decisions -----------------------------------------------------------------------
    "about_invoice": " sobre la factura {invoice}",
    "dispute_upheld": "Revisamos su disputa {reference}{about} y la aceptamos.",
    "dispute_credited": " Acreditamos {amount}, así que ya no lo debe.",
    "dispute_rejected": (
        "Revisamos su disputa {reference}{about} y no pudimos aceptarla, así que {amount} "
        "vuelve a estar pendiente. Responda aquí si tiene preguntas o quiere acordar un "
        "plan de pagos."
    ),
    "plan_approved": "Su plan de pagos por {total} está aprobado.",
    "plan_first_payment": " Su primer pago de {amount} vence el {due}.",
    "plan_rejected": (
        "No pudimos aprobar su plan de pagos por {total}. Responda aquí y buscaremos otro "
        "acuerdo con usted."
    ),
    # --- payments ------------------------------------------------------------------------
    "receipt": "Gracias: recibimos su pago de {amount}.",
    "receipt_invoice": " Se aplicó a la factura {parts}.",
    "receipt_invoices": " Se aplicó a las facturas {parts}.",
    "receipt_one": " Se aplicó a 1 factura.",
    "receipt_count": " Se aplicó a {count} facturas.",
    "receipt_credit": " {amount} queda como crédito en su cuenta.",
    "receipt_left": " Ahora debe {amount}.",
    "receipt_nothing_left": " Ya no debe nada.",
    "bank_processing": (
        "Recibimos su pago bancario de {amount}. Se está procesando, lo que puede tardar "
        "unos días hábiles; le confirmaremos cuando se acredite."
    ),
    "bank_failed": (
        "Su pago bancario de {amount} no se completó, así que no se pagó. Responda aquí "
        "para recibir un nuevo enlace de pago u otra forma de pagar."
    ),
    # --- collectors' canned replies (the console) ----------------------------------------
    "canned_looking_into_it": "Gracias por su mensaje. Estoy revisando su cuenta ahora.",
    "canned_call_back": (
        "Le devolveré la llamada en un día hábil al número que tenemos registrado."
    ),
    "canned_payment_received": "Hemos recibido su pago. ¡Gracias!",
    "canned_back_to_bot": (
        "Le paso de nuevo a nuestro asistente. Responda AGENTE en cualquier momento para "
        "hablar otra vez con una persona."
    ),
}
