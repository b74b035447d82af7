module dev.junction.server {
    requires dev.junction.engine;
    requires info.picocli;

    opens dev.junction.server.cli to info.picocli;
}
