// Checks one RDF/XML file against OWL 2 DL with the OWL API (the reference implementation):
// the graph must map to an OWL 2 ontology with no triple left over, and that ontology must pass
// OWL2DLProfile. tests/test_owl_profile.py merges the Turtle files into that one file and runs
// this through Java's single-file source launcher, so nothing is compiled or kept.
//
// Prints one line per finding, "FINDING<TAB>kind<TAB>about<TAB>text" (about: the IRI the finding
// is about, where it has one), then "FINDINGS<TAB>n". Exits 0 whether or not there are findings;
// non-zero only when the file cannot be read.

import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.RDFTriple;
import org.semanticweb.owlapi.model.HasIRI;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLLiteral;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlProfile {
    private static int findings = 0;

    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // Not strict: the lax parser guesses an undeclared term's kind and the profile then
        // reports the term as undeclared (and an IRI of two kinds as illegal punning); the strict
        // parser of OWL API 5.1.20 leaves even a well-formed SubAnnotationPropertyOf unparsed.
        // Imports are not followed: the files name none, and the machine has no network.
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(
                new FileDocumentSource(new File(args[0]), new RDFXMLDocumentFormat()), config);
        // A left-over triple means the graph is no OWL 2 ontology in RDF at all: it maps to no
        // axiom (a malformed list or restriction, say).
        manager.getOntologyFormat(ontology).getOntologyLoaderMetaData().ifPresent(
                metadata -> metadata.getUnparsedTriples().forEach(OwlDlProfile::reportTriple));
        for (OWLProfileViolation violation : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            report(violation.getClass().getSimpleName(), about(violation.getExpression()),
                    violation.toString());
        }
        System.out.println("FINDINGS\t" + findings);
    }

    private static void reportTriple(RDFTriple triple) {
        report("UnparsedTriple", triple.getPredicate().getIRI().toString(), triple.toString());
    }

    private static String about(Object expression) {
        if (expression instanceof IRI) {
            return expression.toString();
        }
        if (expression instanceof HasIRI) {
            return ((HasIRI) expression).getIRI().toString();
        }
        if (expression instanceof OWLLiteral) {
            return ((OWLLiteral) expression).getDatatype().getIRI().toString();
        }
        return "";
    }

    private static void report(String kind, String about, String text) {
        System.out.println("FINDING\t" + kind + "\t" + about + "\t" + text.replaceAll("\\s+", " "));
        findings++;
    }
}
