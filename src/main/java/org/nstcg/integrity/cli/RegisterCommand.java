package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code register}: signs one user up, exactly as the platform would. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Registers one user and prints the outcome.%n"
                + "Exit code 0 registered, 3 already registered or in progress, 4 invalid input, 2 server unreachable.")
final class RegisterCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--email", required = true, paramLabel = "ADDRESS", description = "Email address as typed.")
    String email;

    @Option(names = "--first-name", required = true, paramLabel = "NAME", description = "First name.")
    String firstName;

    @Option(names = "--last-name", paramLabel = "NAME", description = "Last name (optional).")
    String lastName;

    @Option(names = "--referral", paramLabel = "CODE", description = "Referral code of the person who referred them (optional).")
    String referral;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RegistrationOutcome outcome;
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            outcome = engine.registration().register(new RegistrationRequest(email, firstName, lastName, referral));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? JSON.writeValueAsString(toJson(outcome)) : toText(outcome));
        if (outcome instanceof RegistrationOutcome.Registered) {
            return ExitCodes.OK;
        }
        return outcome instanceof RegistrationOutcome.Invalid ? ExitCodes.INVALID : ExitCodes.ALREADY;
    }

    static String toText(RegistrationOutcome outcome) {
        if (outcome instanceof RegistrationOutcome.Registered r) {
            String referral = switch (r.referral()) {
                case CREDITED -> " Referrer (user " + r.referrerId().orElseThrow() + ") credited.";
                default -> "";
            };
            return "Registered user " + r.userId() + " with referral code " + r.referralCode() + "." + referral
                    + r.notice().map(n -> System.lineSeparator() + n).orElse("")
                    + System.lineSeparator() + "link: " + DeepLink.user(r.userId()).text();
        }
        if (outcome instanceof RegistrationOutcome.AlreadyRegistered a) {
            return "Already registered: an active user has the mailbox " + a.emailNormalized() + ".";
        }
        if (outcome instanceof RegistrationOutcome.InProgress p) {
            return "In progress: another registration of " + p.emailNormalized() + " is being written right now; try again in a moment.";
        }
        RegistrationOutcome.Invalid i = (RegistrationOutcome.Invalid) outcome;
        return "Invalid: the " + fieldName(i.field()) + " " + i.reason() + ".";
    }

    private static String fieldName(String field) {
        return switch (field) {
            case "firstName" -> "first name";
            case "lastName" -> "last name";
            case "referralCode" -> "referral code";
            default -> "email address";
        };
    }

    private static ObjectNode toJson(RegistrationOutcome outcome) {
        ObjectNode node = JSON.createObjectNode();
        if (outcome instanceof RegistrationOutcome.Registered r) {
            node.put("outcome", "registered");
            node.put("userId", r.userId());
            node.put("link", DeepLink.user(r.userId()).text());
            node.put("referralCode", r.referralCode());
            node.put("referral", r.referral().name().toLowerCase(Locale.ROOT));
            r.referrerId().ifPresent(id -> node.put("referrerId", id));
            r.notice().ifPresent(n -> node.put("notice", n));
        } else if (outcome instanceof RegistrationOutcome.AlreadyRegistered a) {
            node.put("outcome", "already_registered");
            node.put("emailNormalized", a.emailNormalized());
        } else if (outcome instanceof RegistrationOutcome.InProgress p) {
            node.put("outcome", "in_progress");
            node.put("emailNormalized", p.emailNormalized());
        } else {
            RegistrationOutcome.Invalid i = (RegistrationOutcome.Invalid) outcome;
            node.put("outcome", "invalid");
            node.put("field", i.field());
            node.put("reason", i.reason());
        }
        return node;
    }
}
