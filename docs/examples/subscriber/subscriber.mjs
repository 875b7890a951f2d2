// Receives Spine Platform's result events using only what docs/api/asyncapi.v1.json documents: the exchange of the
// event (a durable fanout exchange named after the message type), MassTransit's JSON envelope, and the payload schema.
// Usage: node subscriber.mjs AMQP_URL [ASYNCAPI_JSON] [COUNT]
// Prints one JSON line per event ({"studyId", "levels", "messageId"}), exits after COUNT events (default: run forever).
import { readFile } from "node:fs/promises";
import amqp from "amqplib";
import Ajv2020 from "ajv/dist/2020.js";

const [url, documentPath = new URL("../../api/asyncapi.v1.json", import.meta.url).pathname, count = "0"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node subscriber.mjs AMQP_URL [ASYNCAPI_JSON] [COUNT]");
  process.exit(2);
}

const document = JSON.parse(await readFile(documentPath, "utf8"));
const channel = document.channels.studyReportPublished;
const exchange = channel.bindings.amqp.exchange;

// The document's schemas, compiled once; references inside them point into the document.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(document, "asyncapi");
const validate = ajv.getSchema("asyncapi#/components/schemas/StudyReportPublishedEnvelope");

const connection = await amqp.connect(url);
const amqpChannel = await connection.createChannel();
await amqpChannel.assertExchange(exchange.name, exchange.type, { durable: exchange.durable, autoDelete: exchange.autoDelete });
// A queue of our own: exclusive here, for a demo; a real subscriber declares a durable, named queue so that no event
// is lost while it is down.
const { queue } = await amqpChannel.assertQueue("", { exclusive: true, autoDelete: true });
await amqpChannel.bindQueue(queue, exchange.name, "");
console.error(`bound ${queue} to ${exchange.name}`);

let received = 0;
await amqpChannel.consume(queue, async (delivery) => {
  const envelope = JSON.parse(delivery.content.toString("utf8"));
  if (!validate(envelope)) {
    console.error(`invalid event: ${ajv.errorsText(validate.errors)}`);
    amqpChannel.nack(delivery, false, false);
    process.exitCode = 1;
    return;
  }

  const report = envelope.message.report;
  console.log(JSON.stringify({ studyId: envelope.message.studyId, levels: report.levels.length, messageId: envelope.messageId }));
  amqpChannel.ack(delivery);
  if (++received === Number(count)) {
    await amqpChannel.close();
    await connection.close();
  }
}, { noAck: false });
