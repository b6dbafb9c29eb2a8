"""The Spanish catalog: the same keys and ``{placeholders}`` as :mod:`bot.policy.catalog.en`.

Usted throughout; the consumer disclosure is the Spanish model wording (CFPB, Regulation F)
and every automated SMS ends with the SPEC §14 sentence.
"""

from __future__ import annotations

MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")

WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")

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
    "telegram_linked": (
        "¡Gracias! Este chat está ahora vinculado a la cuenta terminada en {last4} ({name}). "
        "Pregúnteme cuánto debe, prometa un pago o acuerde un plan."
    ),
    "telegram_not_linked": (
        "Lo siento, ese enlace no funcionó ({reason}). Pídanos uno nuevo, por favor."
    ),
    "reply_choices": "Responda {choices}",
    "choice_or": " o ",
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
    # --- the bot's own texts (actions/replies.py and the actions) -----------------------
    "bot_and": " y ",
    "bot_weekday_day": "{weekday} {day} de {month}",
    "bot_verified": "Gracias, su identidad está verificada.",
    "bot_failed_one": "Eso no coincide con nuestros registros. Le queda 1 intento.",
    "bot_failed_many": "Eso no coincide con nuestros registros. Le quedan {left} intentos.",
    "bot_failed_postal_one": (
        "Ese código postal no coincide con nuestros registros. Le queda 1 intento."
    ),
    "bot_failed_postal_many": (
        "Ese código postal no coincide con nuestros registros. Le quedan {left} intentos."
    ),
    "bot_no_balance": "No tiene saldo pendiente con nosotros. ¡Gracias!",
    "bot_balance_one": "Su saldo es de {total} en 1 factura abierta.",
    "bot_balance_many": "Su saldo es de {total} en {count} facturas abiertas.",
    "bot_finance_charges": "Eso incluye {amount} de cargos financieros.",
    "bot_past_due": "{amount} está vencido.",
    "bot_oldest_one": "La más antigua, {invoice}, lleva 1 día de atraso.",
    "bot_oldest_many": "La más antigua, {invoice}, lleva {days} días de atraso.",
    "bot_nothing_past_due": "No tiene nada vencido.",
    "bot_disputed_hold": "{amount} está en espera mientras se revisa una disputa.",
    "bot_credit_hold": "Su cuenta tiene un bloqueo de crédito.",
    "bot_hold_over_limit": "Un pago de {amount} devuelve la cuenta por debajo de su límite.",
    "bot_hold_past_due": "Pagar las facturas con más de {days} días de atraso lo levanta.",
    "bot_hold_plan_default": (
        "Su plan de pagos está en incumplimiento: hable con una persona para levantarlo."
    ),
    "bot_amount_on": "{amount} el {day}",
    "bot_promised": "Prometió pagar {promised}.",
    "bot_plan_next": "El próximo pago de su plan es de {when}",
    "bot_plan_pending_next": (
        "Su plan de pagos espera la aprobación de un gestor de cobros; su próximo pago es de {when}"
    ),
    "bot_plan_more_one": ", y después 1 pago mensual más{each}",
    "bot_plan_more_many": ", y después {count} pagos mensuales más{each}",
    "bot_plan_each": " de {amount}",
    "bot_plan_last": ", el último el {day}",
    "bot_invoice_line": "{invoice}, vence el {day}: {amount}",
    "bot_invoice_disputed": " (en disputa, en espera)",
    "bot_no_invoices": "No tiene facturas abiertas.",
    "bot_more_invoices": "…y {count} más.",
    "bot_open_invoices": "Sus facturas abiertas:",
    "bot_unknown_invoice": "No encuentro la factura {given} en su cuenta.{listed}{question}",
    "bot_open_invoices_are": " Sus facturas abiertas son {numbers}.",
    "bot_which_invoice": " ¿Cuál es? O responda TODAS.",
    "bot_greeting": (
        "Hola, soy el asistente virtual de {company}. Puedo decirle su saldo, registrar una "
        "promesa de pago, acordar un plan de pagos o registrar una disputa. ¿En qué le puedo "
        "ayudar?"
    ),
    "bot_who": (
        "Soy el asistente automático del equipo de cuentas de {company}, y le escribo sobre "
        "su cuenta con {company}. Para proteger su privacidad solo comparto detalles después "
        "de que verifique la cuenta. Si tiene dudas, llame al número impreso en su factura, "
        "o responda AGENTE para hablar con una persona."
    ),
    "bot_venting": (
        "Siento que esto haya sido frustrante, y gracias por decírmelo. Estoy aquí para "
        "ayudarle a resolverlo: puedo decirle cuánto debe, registrar una promesa de pago o "
        "acordar un plan de pagos. Responda AGENTE para hablar con una persona, o PARAR si no "
        "quiere recibir estos mensajes."
    ),
    "bot_human_requested": (
        "Le he pedido a un gestor de cobros que continúe esta conversación. Un gestor le "
        "responderá en un día hábil."
    ),
    "bot_rephrase": (
        "Lo siento, no le entendí. Puede preguntar por su saldo, prometer un pago, acordar "
        "un plan de pagos o disputar una factura. Responda AYUDA para más."
    ),
    "bot_fallback_escalated": (
        "Lo siento, sigo sin entenderle. He pedido a una persona que le ayude. Un gestor de "
        "cobros le responderá en un día hábil."
    ),
    "bot_fallback_pending": (
        "Una persona de nuestro equipo se comunicará con usted pronto. Un gestor de cobros "
        "le responderá en un día hábil."
    ),
    "bot_not_resubscribed": (
        "No he cambiado nada. Para recibir nuestros mensajes de nuevo, responda START; para "
        "dejar de recibirlos, responda PARAR."
    ),
    "bot_opted_out": (
        "Ya no recibirá mensajes automáticos nuestros aquí. Responda START para volver a "
        "activarlos."
    ),
    "bot_already_out": (
        "Ya estaba dado de baja de los mensajes automáticos aquí. Responda START para volver "
        "a activarlos."
    ),
    "bot_opted_in": (
        "Se ha vuelto a suscribir. Responda PARAR en cualquier momento para darse de baja."
    ),
    "bot_already_in": "Ya está suscrito. Responda PARAR en cualquier momento para darse de baja.",
    "bot_ceased": (
        "Entendido. Dejaremos de contactarle sobre esta cuenta por todos los canales, salvo "
        "los avisos por escrito que exija la ley. Un miembro de nuestro equipo revisará su "
        "solicitud."
    ),
    # --- promises, plans, disputes, claims, payments (actions) ---------------------------
    "bot_ask_amount": "¿Cuánto puede pagar? Por ejemplo: $200.",
    "bot_ask_date": "¿En qué fecha puede pagar? Por ejemplo: el viernes, o el 15.",
    "bot_ask_plan": "Lo siento, no entendí un número de meses ni una cantidad por mes.",
    "bot_nothing_recorded": (
        "De acuerdo, no he registrado nada. Si le sirve otra cantidad u otra fecha, dígamelo, "
        "por ejemplo: $200 el viernes."
    ),
    "bot_counteroffer_refused": "De acuerdo, busquemos un plan que le funcione.",
    "bot_no_plan": (
        "De acuerdo, no se acordó ningún plan. Dígame otro número de meses u otra cantidad "
        "mensual cuando quiera."
    ),
    "bot_record_failed": (
        "Lo siento, no pude guardarlo en este momento. Inténtelo de nuevo en unos minutos."
    ),
    "bot_not_caught": "Lo siento, no le entendí.",
    "bot_still_not_caught": (
        "Lo siento, sigo sin entenderle. Elija una de estas opciones, o responda con sus "
        "propias palabras:"
    ),
    "bot_no_amount": "Lo siento, no entendí una cantidad.",
    "bot_no_date": "Lo siento, no entendí una fecha.",
    "bot_left_form": "De acuerdo, dejemos {topic} por ahora.",
    "bot_topic_promise": "la promesa de pago",
    "bot_topic_plan": "el plan de pagos",
    "bot_topic_dispute": "la disputa",
    "bot_topic_other": "eso",
    "bot_promise_readback": (
        "Pagará {amount} el {day}. Responda SÍ para confirmar o NO para cambiarlo."
    ),
    "bot_promise_confirm": "¿Registro esta promesa? Responda SÍ o NO.",
    "bot_promise_recorded": "Gracias. Su promesa de pagar {promise} queda registrada.",
    "bot_promise_replaces": " Reemplaza su promesa anterior.",
    "bot_promise_not_positive": "La cantidad tiene que ser mayor que $0.",
    "bot_promise_over_balance": (
        "Eso es más de lo que debe: lo máximo que puedo registrar es {amount}. ¿Uso esa cantidad?"
    ),
    "bot_promise_below_minimum": (
        "La promesa más pequeña que puedo registrar es de {amount}. Si ahora es demasiado, "
        'diga "plan de pagos" y le ofreceré pagos mensuales.'
    ),
    "bot_promise_date_past": ("Esa fecha ya pasó. Elija una fecha hasta el {day}, o hoy."),
    "bot_promise_date_far": (
        "La fecha más lejana que puedo registrar es el {day}. ¿La anoto para ese día?"
    ),
    "bot_reason_max_installments": "los planes duran como máximo {max_months} meses",
    "bot_reason_min_installment": "cada pago mensual tiene que ser de al menos {min_installment}",
    "bot_reason_min_months": "un plan tiene al menos un pago mensual",
    "bot_reason_min_down_payment": "el pago inicial tiene que ser de al menos {min_down}",
    "bot_reason_max_down_payment": ("el pago inicial no puede dejar menos de un pago mensual"),
    "bot_reason_start_in_past": "el primer pago no puede ser en el pasado",
    "bot_reason_first_due_too_far": "el primer pago tiene que ser dentro de {first_days} días",
    "bot_reason_other": "de las reglas de nuestros planes de pago",
    "bot_schedule_one": (
        "{down} de pago inicial el {day}, y después 1 pago mensual: {groups}. Total {total}."
    ),
    "bot_schedule_many": (
        "{down} de pago inicial el {day}, y después {count} pagos mensuales: {groups}. "
        "Total {total}."
    ),
    "bot_plan_counteroffer": (
        "No puedo hacer exactamente eso porque {reasons}. El plan más cercano que puedo ofrecerle: "
    ),
    "bot_plan_offer": "Este es su plan: ",
    "bot_plan_needs_approval": (
        " Como el saldo supera {amount}, un gestor de cobros revisará el plan antes de que empiece."
    ),
    "bot_plan_confirm_end": " Responda SÍ para acordarlo o NO para cambiarlo.",
    "bot_plan_confirm": "¿Acuerdo este plan? Responda SÍ o NO.",
    "bot_plan_requested": (
        "Gracias. Su solicitud de plan está registrada: un gestor de cobros la revisará y le "
        "responderá en un día hábil."
    ),
    "bot_plan_recorded": (
        "Listo, su plan de pagos está acordado. El primer pago de {amount} vence el {day}."
    ),
    "bot_hardship": (
        "Siento que esté pasando por esto. Podemos ayudarle. El pago mensual más bajo que "
        'puedo ofrecerle es de {amount}: {schedule} Diga "plan de pagos" para acordarlo, o '
        '"hablar con una persona" si prefiere hablar con alguien.'
    ),
    "bot_hardship_no_plan": (
        "Siento que esté pasando por esto. Su saldo es lo bastante pequeño para no necesitar "
        "un plan: dígame una fecha que le venga bien y una cantidad que pueda pagar, o diga "
        '"hablar con una persona" si prefiere hablar con alguien.'
    ),
    "bot_plan_not_available": (
        "Un plan de pagos necesita un saldo de al menos {amount}, así que no puedo acordar "
        "uno para esta cuenta. Puede prometer un pago, por ejemplo: $50 el viernes."
    ),
    "bot_nothing_to_dispute": "No había nada abierto que disputar en su cuenta.",
    "bot_dispute_opened_one": (
        "Gracias. He abierto la disputa {refs}. Hemos puesto esa factura en espera, así que "
        "no recibirá recordatorios sobre ella mientras un gestor de cobros revisa su disputa."
    ),
    "bot_dispute_opened_many": (
        "Gracias. He abierto las disputas {refs}. Hemos puesto esas facturas en espera, así "
        "que no recibirá recordatorios sobre ellas mientras un gestor de cobros revisa su "
        "disputa."
    ),
    "bot_already_disputed": (
        "{invoice} ya está en disputa y en espera mientras un gestor de cobros la revisa."
    ),
    "bot_dispute_reason_number": "Responda con un número del 1 al 6, por favor.",
    "bot_claim_found_details": (
        "Gracias, encontramos su pago de {amount} recibido el {day}; está aplicado a su cuenta."
    ),
    "bot_claim_found": "Gracias, encontramos su pago y está aplicado a su cuenta.",
    "bot_claim_dispute": (
        "Todavía no encuentro ese pago, así que he abierto una disputa, referencia "
        "{reference}. {held} mientras un gestor de cobros lo comprueba."
    ),
    "bot_claim_invoice_held": "{invoice} está en espera",
    "bot_claim_held": "Está en espera",
    "bot_claim_noted": ("Gracias, he anotado que pagó. Un gestor de cobros lo comprobará."),
    "bot_claim_unknown_invoice": (
        "No encuentro la factura {invoice} en su cuenta. ¿Qué factura pagó?"
    ),
    "bot_pay_one": "Puede pagar {amount} de forma segura aquí: {url}",
    "bot_pay_many": "Puede pagar de forma segura aquí:",
    "bot_pay_line": "- {what} {amount}{due}: {url}",
    "bot_pay_promise": "su promesa de",
    "bot_pay_installment": "su cuota de",
    "bot_pay_balance": "el saldo total de",
    "bot_pay_due": " que vence el {day}",
    "bot_pay_promise_now": "Puede pagarlo ahora, de forma segura, aquí: {url}",
    "bot_pay_here": "Puede pagar de forma segura aquí: {url}",
    "bot_call_us": (
        "Para hacer un pago, llámenos al número que aparece en su estado de cuenta. Con "
        "gusto le ayudamos."
    ),
    "bot_nothing_to_pay": "No hay nada que pagar en su cuenta en este momento. ¡Gracias!",
    # --- buttons (actions/forms.py Choice titles) ----------------------------------------
    "button_person": "Hablar con una persona",
    "button_cancel": "Cancelar",
    "button_yes": "Sí",
    "button_no": "No",
    "button_plan_instead": "Acordar un plan de pagos",
    "button_today": "Hoy",
    "button_all_amount": "{amount} (todo)",
    "button_past_due": "{amount} (vencido)",
    "button_minimum": "{amount} (el mínimo)",
    "button_months": "{count} meses",
    "button_all_invoices": "Todas",
    "button_reason_wrong_amount": "Cantidad incorrecta",
    "button_reason_not_received": "No recibido",
    "button_reason_damaged": "Dañado",
    "button_reason_already_paid": "Ya pagado",
    "button_reason_not_my_debt": "No es mi deuda",
    "button_reason_other": "Otro",
}
