package org.nstcg.integrity.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.idempotency.IdempotencyClaim;
import org.nstcg.integrity.engine.idempotency.IdempotentRequests;
import org.nstcg.integrity.engine.limit.RateDecision;
import org.nstcg.integrity.engine.referral.ReferralCheck;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;

/**
 * {@code POST /api/registrations} and {@code GET /api/referrals/{code}}: turn the request into one engine call and
 * render its sealed outcome as a status code and a JSON body. No policy lives here: what is valid, registered or in
 * progress is the engine's answer (as for the CLI's {@code register} and {@code referral check}).
 *
 * <p>Design notes: the body is refused before the engine sees it when it is not JSON (415), too large (413, judged
 * by Content-Length and again while reading, since a chunked body has none) or not an object of strings (400). A
 * sign-up is anonymous: {@link org.nstcg.integrity.engine.registration.RegistrationService#register} takes no actor,
 * as the platform's form and the CLI's {@code register} call it the same way; the engine's saga writes and audits.
 */
final class SignUpEndpoints {

    private static final String[] FIELDS = {"email", "firstName", "lastName", "referralCode"};
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /**
     * Every status {@code POST /api/registrations} can answer: the outcomes below, Jetty's 408 for a body sent too
     * slowly, and ApiServer's 500 and 503 (the OpenAPI document must list these, and only these).
     */
    static final java.util.Set<Integer> REGISTRATION_STATUSES = java.util.Set.of(201, 202, 400, 408, 409, 413, 415, 422, 429, 500, 503);
    static final String CHECK_YOUR_INBOX = "Check your inbox: we are sending an email about this sign-up to the address you gave.";

    private final IntegrityEngine engine;
    private final ObjectMapper json;
    private final int maxBody;
    private final ClientAddress clients;
    private final boolean revealRegistered;

    SignUpEndpoints(IntegrityEngine engine, ObjectMapper json, int maxBody, ClientAddress clients) {
        this.clients = clients;
        this.revealRegistered = engine.config().apiRevealRegistered();
        this.engine = engine;
        this.json = json.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.maxBody = maxBody;
    }

    void register(Context ctx) throws IOException {
        if (limited(ctx, engine.signUpLimits().client(clients.of(ctx)), "from your address")) {
            return;
        }
        Optional<ApiError> refused = checkContentType(ctx).or(() -> checkDeclaredLength(ctx));
        if (refused.isPresent()) {
            ApiServer.answer(ctx, refused.get());
            return;
        }
        byte[] body;
        try (InputStream in = ctx.bodyInputStream()) {
            body = in.readNBytes(maxBody + 1);
        }
        if (body.length > maxBody) {
            ApiServer.answer(ctx, tooLarge());
            return;
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            ApiServer.answer(ctx, ApiError.of(400, "malformed", "The request is not valid JSON; send one object such as"
                    + " {\"email\": \"ada@example.org\", \"firstName\": \"Ada\"}."));
            return;
        }
        if (root == null || !root.isObject()) {
            ApiServer.answer(ctx, ApiError.of(400, "malformed", "The request must be one JSON object with email and firstName."));
            return;
        }
        String[] values = new String[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            JsonNode v = root.get(FIELDS[i]);
            if (v != null && !v.isNull() && !v.isTextual()) {
                ApiServer.answer(ctx, new ApiError(400, "malformed", "The field " + FIELDS[i] + " must be text.", Optional.of(FIELDS[i])));
                return;
            }
            values[i] = v == null || v.isNull() ? null : v.textValue();
        }
        String key = ctx.header(IDEMPOTENCY_KEY);
        if (key == null) {
            if (!limited(ctx, engine.signUpLimits().mailbox(values[0]), "for this email address")) {
                render(ctx, register(values));
            }
            return;
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            ApiServer.answer(ctx, ApiError.of(400, "malformed", "The Idempotency-Key header must be 1 to 255 visible characters,"
                    + " such as a UUID."));
            return;
        }
        IdempotencyClaim claim = engine.idempotentRequests().claim(key, IdempotentRequests.hash(Arrays.asList(values)));
        if (claim instanceof IdempotencyClaim.Replay replay) {
            ctx.header("Idempotent-Replayed", "true");
            ctx.attribute(ApiMetrics.OUTCOME, "replayed");
            ApiServer.answer(ctx, replay.status(), json.readTree(replay.body()));
        } else if (claim instanceof IdempotencyClaim.Reused) {
            ApiServer.answer(ctx, ApiError.of(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different"
                    + " sign-up; send a new key with each new sign-up."));
        } else if (claim instanceof IdempotencyClaim.Pending) {
            ctx.header("Retry-After", "1");
            ApiServer.answer(ctx, ApiError.of(409, "in_progress",
                    "This sign-up is being completed right now; try again in a moment."));
        } else {
            IdempotencyClaim.Claimed claimed = (IdempotencyClaim.Claimed) claim;
            Answer answer;
            try {
                if (limited(ctx, engine.signUpLimits().mailbox(values[0]), "for this email address")) {
                    engine.idempotentRequests().release(claimed);
                    return;
                }
                answer = register(values);
            } catch (RuntimeException e) {
                try {
                    engine.idempotentRequests().release(claimed);
                } catch (RuntimeException releasing) {
                    // PostgreSQL is gone too: the claim is taken over by a retry after IdempotentRequests.ABANDONED.
                    e.addSuppressed(releasing);
                }
                throw e;
            }
            if (answer.lasting()) {
                engine.idempotentRequests().complete(claimed, answer.status(), json.writeValueAsString(answer.body()));
            } else {
                engine.idempotentRequests().release(claimed);
            }
            render(ctx, answer);
        }
    }

    /** An answer to a sign-up; {@code lasting} when a retry with the same Idempotency-Key is to get it again. */
    private record Answer(int status, ObjectNode body, Optional<String> retryAfter, boolean lasting, String outcome) {
    }

    private static void render(Context ctx, Answer answer) {
        ctx.attribute(ApiMetrics.OUTCOME, answer.outcome());
        answer.retryAfter().ifPresent(r -> ctx.header("Retry-After", r));
        ApiServer.answer(ctx, answer.status(), answer.body());
    }

    private Answer register(String[] values) {
        RegistrationOutcome outcome = engine.registration().register(new RegistrationRequest(values[0], values[1], values[2], values[3]));
        if (!revealRegistered && (outcome instanceof RegistrationOutcome.Registered || outcome instanceof RegistrationOutcome.AlreadyRegistered)) {
            // api.reveal-registered=false: a new and a registered address get the same answer; the owner of a
            // registered one hears of the attempt by mail (the outbox event), not whoever typed it.
            if (outcome instanceof RegistrationOutcome.AlreadyRegistered repeated) {
                engine.registration().recordRepeat(repeated);
            }
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("message", CHECK_YOUR_INBOX);
            return new Answer(202, node, Optional.empty(), true, "accepted");
        }
        if (outcome instanceof RegistrationOutcome.Registered r) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("userId", r.userId());
            node.put("referralCode", r.referralCode());
            node.put("referralBonus", r.referral() == RegistrationOutcome.Referral.CREDITED);
            node.put("message", "You are registered. Your referral code is " + r.referralCode() + "."
                    + r.notice().map(n -> " " + n).orElse(""));
            return new Answer(201, node, Optional.empty(), true, "registered");
        } else if (outcome instanceof RegistrationOutcome.AlreadyRegistered) {
            return new Answer(409, ApiError.of(409, "already_registered",
                    "This email address is already registered; sign in instead, or use another address.").body(), Optional.empty(), true,
                    "already_registered");
        } else if (outcome instanceof RegistrationOutcome.InProgress) {
            // Not lasting: a retry after the other sign-up finished gets that outcome, not this one.
            return new Answer(409, ApiError.of(409, "in_progress",
                    "A sign-up for this email address is being completed right now; try again in a moment.").body(), Optional.of("1"), false,
                    "in_progress");
        } else {
            RegistrationOutcome.Invalid invalid = (RegistrationOutcome.Invalid) outcome;
            ApiError error = new ApiError(422, "invalid", "The " + fieldName(invalid.field()) + " " + invalid.reason() + ".",
                    Optional.of(invalid.field()));
            ObjectNode node = error.body();
            if (invalid.field().equals("referralCode")
                    && engine.referralCodes().check(values[3]) instanceof ReferralCheck.Mistyped m && m.suggestion().isPresent()) {
                node.put("suggestion", m.suggestion().get());
            }
            return new Answer(422, node, Optional.empty(), true, "invalid");
        }
    }

    void checkReferral(Context ctx) {
        if (limited(ctx, engine.signUpLimits().client(clients.of(ctx)), "from your address")) {
            return;
        }
        String typed = ctx.pathParam("code");
        ReferralCheck check = engine.referralCodes().check(typed);
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (check instanceof ReferralCheck.Known k) {
            node.put("status", "valid");
            node.put("code", k.code());
            node.put("firstName", k.owner().firstName());
            ApiServer.answer(ctx, 200, node);
        } else if (check instanceof ReferralCheck.Mistyped m) {
            node.put("status", "mistyped");
            m.suggestion().ifPresent(s -> node.put("suggestion", s));
            node.put("message", m.suggestion().map(s -> "This code looks mistyped; did you mean " + s + "?")
                    .orElse("This code looks mistyped: check it, or leave it empty."));
            ApiServer.answer(ctx, 422, node);
        } else {
            node.put("status", "unknown");
            node.put("message", "No one has this referral code; check it, or leave it empty.");
            ApiServer.answer(ctx, 404, node);
        }
    }

    /** Answers 429 with Retry-After when {@code decision} is over a limit; nothing is written then. */
    private static boolean limited(Context ctx, RateDecision decision, String whose) {
        if (decision instanceof RateDecision.Limited l) {
            long seconds = l.retryAfterSeconds();
            ctx.header("Retry-After", Long.toString(seconds));
            ApiServer.answer(ctx, ApiError.of(429, "rate_limited", "There have been too many attempts " + whose
                    + "; please try again in " + inAbout(seconds) + "."));
            return true;
        }
        return false;
    }

    /** "1 second", "45 seconds", "2 minutes", "1 hour", "3 hours" (rounded up: never sooner than Retry-After). */
    static String inAbout(long seconds) {
        if (seconds < 120) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = (minutes + 59) / 60;
        return hours + (hours == 1 ? " hour" : " hours");
    }

    private static Optional<ApiError> checkContentType(Context ctx) {
        String type = ctx.contentType();
        String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (mediaType.equals("application/json")) {
            return Optional.empty();
        }
        return Optional.of(ApiError.of(415, "unsupported_media_type", "Send the sign-up as JSON, with Content-Type: application/json."));
    }

    private Optional<ApiError> checkDeclaredLength(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        return declared > maxBody ? Optional.of(tooLarge()) : Optional.empty();
    }

    private ApiError tooLarge() {
        return ApiError.of(413, "too_large", "The request is larger than " + maxBody / 1024 + " KiB; a sign-up needs far less.");
    }

    private static String fieldName(String field) {
        return switch (field) {
            case "firstName" -> "first name";
            case "lastName" -> "last name";
            case "referralCode" -> "referral code";
            default -> "email address";
        };
    }
}
