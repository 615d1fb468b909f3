// tsyringe needs the Reflect metadata API; loading it here, before tsyringe, once.
import 'reflect-metadata';
