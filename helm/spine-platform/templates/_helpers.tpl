{{/* Name of a service's objects: <release>-<service>. */}}
{{- define "spine.name" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object of the chart carries; the selector labels are the stable subset. */}}
{{- define "spine.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "spine.labels" -}}
{{ include "spine.selectorLabels" . }}
app.kubernetes.io/part-of: spine-platform
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* A Spine service: its Deployment, PodDisruptionBudget and, with autoscaling, its KEDA ScaledObject.
     Called as (dict "root" $ "name" "<service>"); the service's values are .Values.services.<service>. */}}
{{- define "spine.workload" -}}
{{- $root := .root -}}
{{- $service := index $root.Values.services .name -}}
{{- $image := ternary $root.Values.image.gpuRepository $root.Values.image.repository $service.gpu.enabled -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "spine.name" . }}
  labels:
    {{- include "spine.labels" . | nindent 4 }}
spec:
  {{- if not $service.autoscaling.enabled }}
  replicas: {{ $service.replicas }}
  {{- end }}
  strategy:
    type: {{ $service.strategy }}
  selector:
    matchLabels:
      {{- include "spine.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "spine.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/config.yaml") $root | sha256sum }}
    spec:
      serviceAccountName: {{ $root.Release.Name }}-spine
      securityContext:
        runAsNonRoot: true
        runAsUser: 1654
        runAsGroup: 1654
        fsGroup: 1654
        seccompProfile:
          type: RuntimeDefault
      {{- if $service.gpu.enabled }}
      {{- with $service.gpu.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $service.gpu.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 1Gi
      containers:
        - name: {{ .name }}
          image: {{ printf "%s:%s" $image (default $root.Chart.AppVersion $root.Values.image.tag) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          env:
            - name: SPINE_SERVICES
              value: {{ .name }}
            - name: Spine__Models__ExecutionProvider
              value: {{ ternary "Cuda" "Cpu" $service.gpu.enabled }}
            - name: Spine__Bus__RabbitMq__Url
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.existingSecret }}, key: rabbitmq-url }
            - name: Spine__Storage__S3__SecretKey
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.existingSecret }}, key: s3-secret-key }
            - name: Spine__Ledger__ConnectionString
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.existingSecret }}, key: ledger-connection-string }
            {{- range $key, $value := $service.settings }}
            - name: {{ $key }}
              value: {{ $value | quote }}
            {{- end }}
            {{- if eq .name "ingestion" }}
            - name: Spine__Security__ApiKeys__0__Name
              value: senders
            - name: Spine__Security__ApiKeys__0__Roles
              value: send
            - name: Spine__Security__ApiKeys__0__Key
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.existingSecret }}, key: ingestion-api-key }
            {{- end }}
            {{- if eq .name "reporting" }}
            - name: Spine__Security__ApiKeys__0__Name
              value: results-readers
            - name: Spine__Security__ApiKeys__0__Roles
              value: read
            - name: Spine__Security__ApiKeys__0__Key
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.existingSecret }}, key: results-api-key }
            {{- end }}
            {{- if $root.Values.monitoring.enabled }}
            - name: Spine__Security__ApiKeys__1__Name
              value: prometheus
            - name: Spine__Security__ApiKeys__1__Roles
              value: monitor
            - name: Spine__Security__ApiKeys__1__Key
              valueFrom:
                secretKeyRef: { name: {{ $root.Values.existingSecret }}, key: monitor-api-key }
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ $root.Release.Name }}-spine-config
          ports:
            - name: http
              containerPort: 8080
            {{- if eq .name "ingestion" }}
            - name: dicom
              containerPort: 11112
            {{- end }}
          livenessProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 15
            timeoutSeconds: 5
            failureThreshold: 4
          readinessProbe:
            httpGet: { path: /health/ready, port: http }
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 3
          startupProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 5
            failureThreshold: 24
          resources:
            requests:
              {{- toYaml $service.resources.requests | nindent 14 }}
              {{- if $service.gpu.enabled }}
              nvidia.com/gpu: {{ $service.gpu.count }}
              {{- end }}
            limits:
              {{- toYaml $service.resources.limits | nindent 14 }}
              {{- if $service.gpu.enabled }}
              nvidia.com/gpu: {{ $service.gpu.count }}
              {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "spine.name" . }}
  labels:
    {{- include "spine.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "spine.selectorLabels" . | nindent 6 }}
{{- if $service.autoscaling.enabled }}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "spine.name" . }}
  labels:
    {{- include "spine.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "spine.name" . }}
  pollingInterval: 10
  cooldownPeriod: {{ ternary 600 120 (eq (int $service.autoscaling.minReplicas) 0) }}
  minReplicaCount: {{ $service.autoscaling.minReplicas }}
  maxReplicaCount: {{ $service.autoscaling.maxReplicas }}
  triggers:
    {{- range $service.autoscaling.queues }}
    - type: rabbitmq
      metadata:
        protocol: amqp
        queueName: {{ printf "%s%s" $root.Values.rabbitmq.queuePrefix . }}
        mode: QueueLength
        value: {{ $service.autoscaling.queueLength | quote }}
      authenticationRef:
        name: {{ $root.Release.Name }}-spine-rabbitmq
    {{- end }}
{{- end }}
{{- end -}}
