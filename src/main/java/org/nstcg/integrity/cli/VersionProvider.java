package org.nstcg.integrity.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest ("development" when run from classes). */
public final class VersionProvider implements IVersionProvider {

    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Integrity Console " + version()};
    }
}
