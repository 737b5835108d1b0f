package org.nstcg.integrity.engine.support;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The address of one item an operator may want to send a colleague (issue 15 §5): a user, a saga, an audit entry or a
 * check run, written {@code integrity://<kind>/<id>} ({@code integrity://saga/3f2c…}). The console opens one given with
 * {@code --open} and copies one from its rows and detail panes; the CLI prints one wherever it prints such an item. The
 * ids are the ones each item already has: a user's id, a saga's UUID, an audit entry's position in the chain, a run's id.
 *
 * <p>Design notes: one type for formatting and parsing, so what the CLI prints is exactly what the console opens. It
 * lives in the engine's support package because every face may use engine types (ArchUnit's layering), while the
 * console and the CLI may not use each other's; it depends on nothing else. Parsing is strict (canonical UUIDs,
 * positive decimal ids, nothing after the id) so a link cut short in a chat is refused instead of opening something else.
 */
public sealed interface DeepLink permits DeepLink.User, DeepLink.Saga, DeepLink.AuditEntry, DeepLink.CheckRun {

    /** What every link's text form starts with. */
    String SCHEME = "integrity://";

    /** The accepted forms, for messages. */
    String FORMS = "integrity://<kind>/<id> or <kind>/<id>, where <kind> is user, saga, audit or run"
            + " (for example integrity://saga/3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a, user/42, audit/1234 or run/7)";

    /** A user, by id. */
    record User(long id) implements DeepLink {
        public User {
            positive(id, "user");
        }

        @Override
        public String kind() {
            return "user";
        }

        @Override
        public String idText() {
            return Long.toString(id);
        }
    }

    /** A saga, by its UUID. */
    record Saga(UUID id) implements DeepLink {
        public Saga {
            if (id == null) {
                throw new IllegalArgumentException("a saga link needs an id");
            }
        }

        @Override
        public String kind() {
            return "saga";
        }

        @Override
        public String idText() {
            return id.toString();
        }
    }

    /** An audit entry, by its position in the chain. */
    record AuditEntry(long id) implements DeepLink {
        public AuditEntry {
            positive(id, "audit");
        }

        @Override
        public String kind() {
            return "audit";
        }

        @Override
        public String idText() {
            return Long.toString(id);
        }
    }

    /** A stored integrity check run, by id. */
    record CheckRun(long id) implements DeepLink {
        public CheckRun {
            positive(id, "run");
        }

        @Override
        public String kind() {
            return "run";
        }

        @Override
        public String idText() {
            return Long.toString(id);
        }
    }

    /** {@code user}, {@code saga}, {@code audit} or {@code run}. */
    String kind();

    /** The id as the link writes it. */
    String idText();

    /** {@code integrity://saga/3f2c…}: the form to print and copy. */
    default String text() {
        return SCHEME + kind() + "/" + idText();
    }

    static DeepLink user(long id) {
        return new User(id);
    }

    static DeepLink saga(UUID id) {
        return new Saga(id);
    }

    static DeepLink audit(long id) {
        return new AuditEntry(id);
    }

    static DeepLink run(long id) {
        return new CheckRun(id);
    }

    /**
     * Reads {@code integrity://saga/<uuid>} or {@code saga/<uuid>} (and the same for user, audit and run); surrounding
     * blanks are ignored, the scheme and kind may be in any case.
     *
     * @throws InvalidInputException naming what is wrong and the accepted forms
     */
    static DeepLink parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("The link is empty. Give " + FORMS + ".");
        }
        String rest = text.strip();
        // Echoed in the message: escaped (a terminal escape in a pasted link is not replayed) and kept short.
        String given = ControlCharacters.escape(rest.length() <= 80 ? rest : rest.substring(0, 79) + "…");
        if (rest.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            rest = rest.substring(SCHEME.length());
        } else if (rest.contains("://")) {
            throw new InvalidInputException("'" + given + "' is not an integrity:// link. Give " + FORMS + ".");
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new InvalidInputException("'" + given + "' has no id after its kind. Give " + FORMS + ".");
        }
        String kind = rest.substring(0, slash).toLowerCase(Locale.ROOT);
        String id = rest.substring(slash + 1);
        switch (kind) {
            case "saga":
                if (!Grammar.UUID.matcher(id).matches()) {
                    throw new InvalidInputException("'" + given + "' does not end in a saga id: a saga id is a UUID such as"
                            + " 3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a. Give " + FORMS + ".");
                }
                return new Saga(UUID.fromString(id));
            case "user":
                return new User(number(given, id, "a user id"));
            case "audit":
                return new AuditEntry(number(given, id, "an audit entry's number"));
            case "run":
                return new CheckRun(number(given, id, "a check run's number"));
            default:
                throw new InvalidInputException("'" + given + "' names no kind of item the console opens"
                        + (kind.isEmpty() ? "" : " ('" + kind + "')") + ". Give " + FORMS + ".");
        }
    }

    private static long number(String given, String id, String what) {
        if (!Grammar.NUMBER.matcher(id).matches()) {
            throw new InvalidInputException("'" + given + "' does not end in " + what + " (a whole number from 1). Give " + FORMS + ".");
        }
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("'" + given + "' has a number too large for " + what + ". Give " + FORMS + ".");
        }
    }

    private static void positive(long id, String kind) {
        if (id < 1) {
            throw new IllegalArgumentException("a " + kind + " link's id is at least 1, not " + id);
        }
    }

    /** The patterns of ids (an interface's fields are public; these are not part of the type's idea). */
    final class Grammar {
        static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        static final Pattern NUMBER = Pattern.compile("[1-9][0-9]*");

        private Grammar() {
        }
    }
}
